# syntax=docker/dockerfile:1
# One image for every Chainmail service: `docker run IMAGE ingress`, or CHAINMAIL_SERVICE=execution.
# Stage 1 builds dist/ with the dev dependencies; stage 2 installs the production ones only;
# the final stage runs as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json web/package-lock.json ./web/
RUN npm ci --no-audit --no-fund --ignore-scripts && npm --prefix web ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY libs ./libs
COPY services ./services
COPY cli ./cli
COPY bench ./bench
COPY web ./web
# dist/ (the services and the CLI) and web/dist (the console ingress serves at /).
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No embedded Postgres in the image (an optional dependency): containers use a real database.
# --ignore-scripts: the root postinstall installs the console's build tools, not needed to run.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    CHAINMAIL_SERVICE=all-in-one \
    HOST=0.0.0.0 \
    PORT=8080 \
    CHAINMAIL_HEARTBEAT_FILE=/tmp/chainmail-heartbeat
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY package.json ./
COPY bin ./bin
COPY examples ./examples
USER node
EXPOSE 8080 2525
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "bin/healthcheck.js"]
ENTRYPOINT ["node", "bin/service.js"]
