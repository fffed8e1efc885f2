"""The Kubernetes base agrees with the image, the app's settings and itself.

.ci/manifests validates the rendered manifests against the Kubernetes schemas; these tests
check what a schema cannot: that the pieces fit together.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "deploy" / "k8s" / "base"


def documents(name: str) -> dict[tuple[str, str], dict]:
    return {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all((BASE / name).read_text()) if d}


def app_env() -> dict[str, str]:
    pairs = {}
    for line in (BASE / "app.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


@pytest.fixture(scope="module")
def web():
    return documents("web.yaml")


def container(deployment: dict) -> dict:
    return deployment["spec"]["template"]["spec"]["containers"][0]


def test_web_probes_liveness_on_healthz_and_readiness_on_readyz_with_an_allowed_host(web):
    app = container(web[("Deployment", "web")])
    assert app["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert app["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert app["startupProbe"]["httpGet"]["path"] == "/healthz"
    allowed = app_env()["ALLOWED_HOSTS"].split(",")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        headers = {h["name"]: h["value"] for h in app[probe]["httpGet"]["httpHeaders"]}
        assert headers["Host"] in allowed, probe


def test_web_runs_as_the_images_user_on_a_read_only_file_system(web):
    spec = web[("Deployment", "web")]["spec"]["template"]["spec"]
    user = re.search(r"^USER (\d+):(\d+)$", (ROOT / "Dockerfile").read_text(), re.M)
    assert (spec["securityContext"]["runAsUser"], spec["securityContext"]["runAsGroup"]) == (
        int(user.group(1)),
        int(user.group(2)),
    )
    app = container(web[("Deployment", "web")])
    assert app["securityContext"]["readOnlyRootFilesystem"] is True
    assert app["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert {"cpu", "memory"} <= set(app["resources"]["requests"]) and "memory" in app["resources"]["limits"]
    assert [s for s in app["envFrom"]] == [
        {"configMapRef": {"name": "app-config"}},
        {"secretRef": {"name": "app-secrets"}},
    ]


def test_web_stops_within_its_grace_period(web):
    spec = web[("Deployment", "web")]["spec"]["template"]["spec"]
    pause = int(container(web[("Deployment", "web")])["lifecycle"]["preStop"]["exec"]["command"][1])
    assert spec["terminationGracePeriodSeconds"] > int(app_env()["GUNICORN_GRACEFUL_TIMEOUT"]) + pause


def test_web_service_autoscaler_and_budget_select_the_web_pods(web):
    labels = web[("Deployment", "web")]["spec"]["template"]["metadata"]["labels"]
    assert web[("Deployment", "web")]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert web[("Service", "web")]["spec"]["selector"].items() <= labels.items()
    assert web[("PodDisruptionBudget", "web")]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    hpa = web[("HorizontalPodAutoscaler", "web")]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    assert hpa["spec"]["minReplicas"] >= 2
    # The autoscaler owns the count: a replica count in the Deployment would reset it.
    assert "replicas" not in web[("Deployment", "web")]["spec"]


def test_only_the_migration_job_migrates():
    job = documents("migrate-job.yaml")[("Job", "migrate")]
    env = {e["name"]: e["value"] for e in container({"spec": job["spec"]})["env"]}
    assert env["RUN_MIGRATIONS"] == "1"
    assert app_env()["RUN_MIGRATIONS"] == "0"


def test_the_proxy_runs_the_compose_nginx_files_in_front_of_the_web_service(web):
    kustomization = yaml.safe_load((ROOT / "docker" / "nginx" / "kustomization.yaml").read_text())
    assert kustomization["configMapGenerator"][0]["files"] == ["nginx.conf", "templates/default.conf.template"]
    assert "../../../docker/nginx" in yaml.safe_load((BASE / "kustomization.yaml").read_text())["resources"]
    proxy = container(documents("proxy.yaml")[("Deployment", "proxy")])
    env = {e["name"]: e["value"] for e in proxy["env"]}
    port = web[("Service", "web")]["spec"]["ports"][0]["port"]
    assert env["WEB_UPSTREAM"] == f"web:{port}"
    assert {m["mountPath"] for m in proxy["volumeMounts"]} >= {
        "/etc/nginx/nginx.conf",
        "/etc/nginx/templates/default.conf.template",
        "/etc/nginx/conf.d",
    }


def test_the_secret_holds_placeholders_only():
    secret = documents("secret.yaml")[("Secret", "app-secrets")]
    assert set(secret["stringData"]) == {"SECRET_KEY", "DATABASE_URL"}
    assert all("REPLACE-ME" in value for value in secret["stringData"].values())


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="needs kubectl (kubectl kustomize)")
@pytest.mark.parametrize("where", ["base", "overlays/pgbouncer"])
def test_kustomize_renders(where):
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(ROOT / "deploy" / "k8s" / where)], capture_output=True, text=True, timeout=60
    )
    assert rendered.returncode == 0, rendered.stderr
    kinds = {d["kind"] for d in yaml.safe_load_all(rendered.stdout) if d}
    assert kinds >= {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job", "ConfigMap"}
    if where == "overlays/pgbouncer":
        config = next(
            d for d in yaml.safe_load_all(rendered.stdout) if d and d["metadata"]["name"].startswith("app-config")
        )
        assert config["data"]["CONN_MAX_AGE"] == "0"
        assert config["data"]["DB_DISABLE_SERVER_SIDE_CURSORS"] == "1"
