# syntax=docker/dockerfile:1
# One image for every Gondola process: api, worker (WORKER_QUEUES picks the queues), migrate.
# The image runs the JavaScript `npm run build` compiles with tsc (dist/); no TypeScript loader
# at run time (measured all-in-one: resident memory ~200 MB instead of ~300 MB, ready in ~2 s).
ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# The CPU build of onnxruntime-node ships inside the npm package; its install step must not
# reach for extra binaries (the project .npmrc says the same; the variable covers npm versions
# that do not pass unknown .npmrc keys to install scripts).
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY migrations ./migrations
COPY scripts ./scripts
COPY src ./src
# The web app is built here too (its toolchain is dev-only); the api serves dist/web/dist.
COPY web ./web
RUN npm run build \
 && npm run web:build && mkdir -p dist/web && cp -r web/dist dist/web/dist \
 && npm prune --omit=dev --no-audit --no-fund
# onnxruntime-node bundles native libraries for every OS and CPU (~290 MB); keep this platform's.
RUN ort=node_modules/onnxruntime-node/bin/napi-v6 \
 && arch="$(node -p process.arch)" \
 && if [ -d "$ort/linux/$arch" ]; then \
      find "$ort" -mindepth 1 -maxdepth 1 ! -name linux -exec rm -rf {} + \
      && find "$ort/linux" -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} + ; \
    fi

FROM ${NODE_IMAGE} AS runtime
# Debian packages the app needs at run time (none yet: OCR language data comes from npm).
ARG APT_PACKAGES=""
RUN if [ -n "$APT_PACKAGES" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends $APT_PACKAGES \
      && rm -rf /var/lib/apt/lists/*; \
    fi
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    HOST=0.0.0.0 \
    PORT=8080 \
    WORKER_METRICS_PORT=9464
WORKDIR /app
# Owned by root and only readable by the app user: the process cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=deps /app/dist ./dist
# The data-key file lives on a volume mounted here (compose); a new named volume copies this owner and mode.
RUN mkdir -p /app/keys && chown node:node /app/keys && chmod 700 /app/keys
# The node image's unprivileged user (uid 1000).
USER node
EXPOSE 8080 9464
# Node directly (not `npm run api`): one process per container, so signals reach the app's
# graceful shutdown and memory limits measure the app alone. Same entry as `npm run api`.
CMD ["node", "dist/src/api/server.js"]
