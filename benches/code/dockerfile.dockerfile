# syntax=docker/dockerfile:1.7
FROM rust:1.88-bookworm AS build
WORKDIR /src
ENV CARGO_TERM_COLOR=always \
    CARGO_PROFILE_RELEASE_LTO=fat
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release --locked && rm -rf src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    cargo build --release --locked && strip target/release/folio

FROM debian:bookworm-slim AS runtime
ARG VERSION=dev
LABEL org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/example/folio"
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 folio
COPY --from=build /src/target/release/folio /usr/local/bin/folio
USER 10001
WORKDIR /site
EXPOSE 1111
HEALTHCHECK --interval=30s --timeout=3s CMD ["wget", "-qO-", "http://127.0.0.1:1111/"]
ENTRYPOINT ["folio"]
CMD ["serve", "--bind", "0.0.0.0", "--port", "1111"]
