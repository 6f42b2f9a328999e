// A real OpenID provider for the single sign-on tests: panva's `oidc-provider` (OpenID-certified, from
// the npm registry, installed by scripts/test.sh into .venv/oidc-provider), run with the machine's Node.
//
//   node oidc_provider.mjs CONFIG.json
//
// CONFIG: {"module": ".../node_modules/oidc-provider", "port": 0, "issuer": "http://127.0.0.1:PORT",
//          "clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//          "accounts": "accounts.json", "tamper": "tamper.json", "userinfo_only": false}
//
// accounts.json ({"login": {"claims": {...}}}) is read at every login, so a test changes an account's
// claims (its groups) between two logins. Logging in uses the provider's own development pages (any
// password; the login names the account). tamper.json ({"mode": "..."}), also read at every token call,
// makes this provider misbehave the way an attacker in the middle would: it rewrites the ID token of
// the token response (unsigned, signed by another key, another audience, issuer or nonce, expired).
// Prints "ready ISSUER" on stdout once listening.

import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { default: Provider } = await import(pathToFileURL(join(config.module, 'lib', 'index.js')).href);

const readJson = (path, fallback) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return fallback;
  }
};

// The signing key, and a stranger's key that signs forged tokens under the same key id.
const kid = 'test-key-1';
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const { privateKey: strangerKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };

const provider = new Provider(config.issuer, {
  clients: config.clients.map((c) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...c,
  })),
  jwks: { keys: [jwk] },
  // Named after the port: two providers on 127.0.0.1 share a cookie jar (cookies ignore ports).
  cookies: {
    keys: [crypto.randomBytes(16).toString('hex')],
    names: {
      session: `_session_${config.port}`,
      interaction: `_interaction_${config.port}`,
      resume: `_interaction_resume_${config.port}`,
    },
  },
  pkce: { required: () => true, methods: ['S256'] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    groups: ['groups'],
  },
  // false: claims in the ID token itself (as Keycloak's mappers put them); true ("userinfo_only" in the
  // config): scope claims only from the userinfo endpoint (as ProConnect gives them).
  conformIdTokenClaims: Boolean(config.userinfo_only),
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    const account = readJson(config.accounts, {})[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
  },
  // A first-party client: no consent page, every requested scope granted.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(String(ctx.oidc.params.scope || 'openid'));
    await grant.save();
    return grant;
  },
});

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function sign(header, payload, key) {
  const input = `${b64(header)}.${b64(payload)}`;
  if (!key) return `${input}.`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

function tamper(idToken, mode) {
  const payload = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString());
  const header = { alg: 'RS256', kid, typ: 'JWT' };
  switch (mode) {
    case 'unsigned':
      return sign({ alg: 'none', typ: 'JWT' }, payload, null);
    case 'forged':
      return sign(header, payload, strangerKey);
    case 'audience':
      return sign(header, { ...payload, aud: 'another-client' }, privateKey);
    case 'issuer':
      return sign(header, { ...payload, iss: 'https://idp.attacker.example' }, privateKey);
    case 'nonce':
      return sign(header, { ...payload, nonce: 'not-the-nonce-that-was-sent' }, privateKey);
    case 'expired': {
      const past = Math.floor(Date.now() / 1000) - 3600;
      return sign(header, { ...payload, iat: past - 600, exp: past }, privateKey);
    }
    default:
      return idToken;
  }
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.method === 'POST' && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    const { mode } = readJson(config.tamper, {});
    if (mode) ctx.body = { ...ctx.body, id_token: tamper(ctx.body.id_token, mode) };
  }
});

const server = provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${config.issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
