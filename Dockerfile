# Hybrid Catalog: one image for the website, REST, GraphQL, docs and admin.
#   docker build -t hybrid-catalog .
#   docker run --read-only --tmpfs /tmp --cap-drop ALL -e SECRET_KEY=... -e DATABASE_URL=... -p 8000:8000 hybrid-catalog

# --- builder: the virtualenv with the pinned runtime requirements ---------------------------
FROM python:3.12-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# Every dependency ships a wheel for this Python; a package that needed building would add
# its compiler here, in the builder only.
RUN python -m venv --without-pip /opt/venv
COPY requirements/base.txt requirements/production.txt /tmp/requirements/
RUN python -m pip --python /opt/venv/bin/python install --no-compile -r /tmp/requirements/production.txt \
    && /opt/venv/bin/python -m compileall -q -j 0 /opt/venv/lib

# --- runtime -------------------------------------------------------------------------------
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.base \
    PORT=8000

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# Owned by root and read-only to the service user; .dockerignore keeps secrets, databases,
# the git history and build leftovers out.
COPY . .

# The key exists for this one command only; it signs nothing and is not kept in the image.
RUN SECRET_KEY=collectstatic-only-build-time-key DEBUG=0 python manage.py collectstatic --no-input -v 0 \
    && python -m compileall -q -j 0 -x '(^|/)(staticfiles|node_modules)/' /app

USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]

ENTRYPOINT ["/bin/sh", "/app/docker/entrypoint.sh"]
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
