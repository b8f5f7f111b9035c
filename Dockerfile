FROM python:3.11-slim-bookworm
WORKDIR /app
COPY . /app
# scripts/setup.sh installs the same system packages as on a bare Debian machine.
RUN bash -c 'source <(sed -n "/^RUNTIME_PKGS=/,/python3-venv\"/p" scripts/setup.sh) && \
    apt-get update -qq && apt-get install -y -qq --no-install-recommends $RUNTIME_PKGS && \
    rm -rf /var/lib/apt/lists/*' && pip install --no-cache-dir .
ENV LUUTRU_DATA_DIR=/var/lib/luutru
EXPOSE 8000
CMD ["luutru", "serve", "--host", "0.0.0.0", "--port", "8000"]
