#!/usr/bin/env bash
# Creates deploy/secrets/* (random, URL-safe, mode 0600) unless they exist; compose mounts them as secrets.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077
mkdir -p secrets
for name in postgres_password redis_password privacy_secret hash_secret; do
  [ -s "secrets/$name" ] || python3 -c 'import secrets; print(secrets.token_hex(32))' > "secrets/$name"
done
echo "secrets in $(pwd)/secrets (keep them out of version control and back them up)"
