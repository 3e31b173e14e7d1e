# immkit in a container: `docker build -t immkit .`, then `docker run --rm immkit doctor`
# or, as a service, `command: ["daemon"]` (see the README's Docker Compose example).
FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 1000 immkit \
    && mkdir -p /state && chown immkit /state
USER immkit
ENV IMMKIT_STATE_DIR=/state PYTHONUNBUFFERED=1
VOLUME ["/state"]
ENTRYPOINT ["immkit"]
CMD ["daemon"]
