# telegate images: one build stage, one slim runtime stage, and one small image
# per binary on top of it (they share every layer but the last few):
#
#   docker build --target gateway  -t telegate-gateway  .
#   docker build --target worker   -t telegate-worker   .
#   docker build --target emulator -t telegate-emulator .
#   docker build --target bot-python -t telegate-example-bot .
#
# Settings come from the environment at run time (README "Settings"); no
# secret is baked in. Works with the legacy builder (DOCKER_BUILDKIT=0).
ARG BASE_IMAGE=debian:bookworm-slim

# ---- build: Debian's -dev packages, Release build of the three binaries ----
FROM ${BASE_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake g++ make pkg-config \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libcpp-httplib-dev nlohmann-json3-dev libabsl-dev libsqlite3-dev libssl-dev libpq-dev \
      libboost1.74-dev libcurl4-openssl-dev \
      prometheus-cpp-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DTELEGATE_BUILD_TESTS=OFF >/dev/null \
 && cmake --build /build -j"$(nproc)" \
      --target telegate-gateway telegate-worker telegate-emulator \
 && strip /build/bin/telegate-gateway /build/bin/telegate-worker /build/bin/telegate-emulator

# ---- runtime: only the shared libraries the binaries link, plus curl for
# HEALTHCHECK and CA certificates for HTTPS to api.telegram.org ----
FROM ${BASE_IMAGE} AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates curl \
      libabsl20220623 libbrotli1 libc-ares2 libcpp-httplib0.11 libcurl4 libgrpc++1.51 \
      libgrpc29 libprotobuf32 libre2-9 libsqlite3-0 libpq5 libssl3 zlib1g \
      libprometheus-cpp-core1.0 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 telegate \
 && useradd --uid 10001 --gid 10001 --home-dir /var/lib/telegate --no-create-home \
      --no-log-init --shell /usr/sbin/nologin telegate \
 && install -d -o telegate -g telegate -m 0750 /var/lib/telegate
COPY docker/healthcheck.sh /usr/local/bin/telegate-healthcheck
USER telegate
WORKDIR /var/lib/telegate

# ---- the emulator: a stand-in Telegram Bot API for tests and demos ----
FROM runtime AS emulator
COPY --from=build /build/bin/telegate-emulator /usr/local/bin/
# Reachable from other containers; it logs a warning that it is meant for
# loopback use (it is a test tool: never expose it).
ENV EMULATOR_LISTEN=0.0.0.0:8090
EXPOSE 8090
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["telegate-healthcheck", "EMULATOR_LISTEN", "127.0.0.1:8090", "/_emulator/webhook"]
ENTRYPOINT ["telegate-emulator"]

# ---- the worker: owns the bot and the journal (keep /var/lib/telegate) ----
FROM runtime AS worker
COPY --from=build /build/bin/telegate-worker /usr/local/bin/
ENV TELEGATE_DATA_DIR=/var/lib/telegate
VOLUME ["/var/lib/telegate"]
EXPOSE 50051 8082
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["telegate-healthcheck", "TELEGATE_WORKER_ADMIN_LISTEN", "127.0.0.1:8082", "/healthz"]
ENTRYPOINT ["telegate-worker"]

# ---- the example bot of examples/python-echo (standard library only), for
# the compose profile bot-python: an ordinary webhook bot behind telegate ----
FROM ${BASE_IMAGE} AS bot-python
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10002 --no-create-home --no-log-init --shell /usr/sbin/nologin bot
COPY examples/python-echo/bot.py /usr/local/bin/telegate-example-bot
USER bot
ENV WEBHOOK_LISTEN=0.0.0.0:8090
EXPOSE 8090
ENTRYPOINT ["/usr/bin/python3", "/usr/local/bin/telegate-example-bot"]

# ---- the gateway: stateless webhook ingress + admin panel (default target) ----
FROM runtime AS gateway
COPY --from=build /build/bin/telegate-gateway /usr/local/bin/
EXPOSE 8080 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["telegate-healthcheck", "TELEGATE_LISTEN", "0.0.0.0:8080", "/healthz"]
ENTRYPOINT ["telegate-gateway"]
