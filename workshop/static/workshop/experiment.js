// The task page: sends the answer (or a skip) as JSON, shows the server's verdict, keeps a clock.
(function () {
  const page = document.querySelector(".task-page");
  if (!page) return;
  const form = page.querySelector(".answer-form");
  const feedback = page.querySelector(".feedback");
  const next = page.querySelector(".next");
  const clock = page.querySelector(".clock");
  const attempts = page.querySelector(".attempts");
  const buttons = form.querySelectorAll("button");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const task = Number(page.dataset.task);
  // The server's clock started when it first showed the task; this one only displays it.
  const started = Date.now() - (Number(page.dataset.elapsed) || 0) * 1000;
  let ticking = setInterval(tick, 1000);
  tick();

  function tick() {
    const seconds = Math.max(0, Math.round((Date.now() - started) / 1000));
    clock.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function say(text, kind) {
    feedback.textContent = text;
    feedback.className = `feedback ${kind}`;
    feedback.hidden = false;
  }

  async function send(url, body) {
    buttons.forEach((b) => (b.disabled = true));
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(Object.assign({ task }, body)),
        credentials: "same-origin",
      });
      let data;
      try {
        data = await response.json();
      } catch (error) {
        data = { errors: [{ message: `The server answered ${response.status} without JSON.` }] };
      }
      return { ok: response.ok, data };
    } catch (error) {
      return { ok: false, data: { errors: [{ message: `The request failed: ${error.message}` }] } };
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  function finish(text, kind) {
    clearInterval(ticking);
    say(text, kind);
    buttons.forEach((b) => (b.disabled = true));
    form.querySelectorAll("textarea").forEach((t) => (t.readOnly = true));
    next.hidden = false;
    next.querySelector("a").focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const variables = form.querySelector("[name=variables]");
    const { ok, data } = await send(page.dataset.answerUrl, {
      answer: form.querySelector("[name=answer]").value,
      variables: variables ? variables.value : "",
    });
    if (typeof data.attempts === "number") {
      attempts.textContent = `${data.attempts} attempt${data.attempts === 1 ? "" : "s"}`;
    }
    if (ok && data.correct) {
      finish(`${data.message} Solved in ${data.time}.`, "right");
    } else {
      const error = (data.errors && data.errors[0]) || { message: "Not the answer." };
      say(error.code ? `${error.message} (${error.code})` : error.message, "wrong");
    }
  });

  page.querySelector(".skip").addEventListener("click", async () => {
    const { ok, data } = await send(page.dataset.skipUrl, {});
    if (ok && data.skipped) {
      finish("Skipped.", "wrong");
    } else {
      const error = (data.errors && data.errors[0]) || { message: "Could not skip." };
      say(error.message, "wrong");
    }
  });
})();
