# Node 24 "Krypton" is a maintained LTS until 2028-04-30 (nodejs/Release schedule.json); Node 20, which the image
# used before, reached end of life on 2026-04-30. bookworm is the Debian the bot is developed and tested on
# (scripts/install-deps.sh, CI) and node:24's default Debian variant (nodejs/docker-node versions.json).
# package.json engines still allow Node 20.18+ for development machines.
FROM node:24-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm install --no-save tsx
COPY . .
USER node
CMD ["npx", "tsx", "src/main/start.ts"]
