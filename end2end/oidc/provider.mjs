// A real OpenID Provider for BITA's tests (issue 26): npm's `oidc-provider` (OpenID Certified)
// on 127.0.0.1, with test people who carry a personnummer claim, and two `acr` levels
// (loa2 weak, loa3 strong, as the Swedish e-legitimation brokers name them). Its login page
// is a plain form: the person's login and the level. Prints `ready <issuer>` when it listens;
// with `--until-stdin-closes` it stops when its standard input closes (the integration tests
// that started it ended); the end-to-end tests' runner stops it itself.
//
// With `--clock-behind=<seconds>` its clock runs that much behind (the tests' provider whose
// ID tokens have expired when they arrive).
//
//   node end2end/oidc/provider.mjs [port] [--until-stdin-closes] [--clock-behind=<seconds>]
import Provider from 'oidc-provider';
import http from 'node:http';

const args = process.argv.slice(2);
const port = Number(args.find((a) => /^\d+$/.test(a)) || 0);
const behind = Number((args.find((a) => a.startsWith('--clock-behind=')) || '=0').split('=')[1]);
if (behind > 0) {
  const real = Date.now;
  Date.now = () => real() - behind * 1000;
}
const PNR = 'https://id.oidc.se/claim/personalIdentityNumber';
const LOA2 = 'http://id.elegnamnden.se/loa/1.0/loa2';
const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3';

// The demo's people (server/src/demo data), by login at the provider.
const people = {
  anna: { name: 'Anna Andersson', [PNR]: '197005120105' },
  bo: { name: 'Bo Berg', [PNR]: '194503150049' },
  filip: { name: 'Filip Fors', [PNR]: '198002144577' },
  frida: { name: 'Frida Falk', [PNR]: '199202280302' },
  gustav: { name: 'Gustav Gran', [PNR]: '195707040407' },
  okand: { name: 'Okänd Person', [PNR]: '198112189876' },
  admin: { name: 'Admin', email: 'admin@exempelby.se' },
  // Provstad's administrator, linked by the staff (e-mail) claim.
  per: { name: 'Per Provare', email: 'per.provare@provstad.se' },
};

const server = http.createServer();
await new Promise((r) => server.listen(port, '127.0.0.1', r));
const issuer = `http://127.0.0.1:${server.address().port}`;

const oidc = new Provider(issuer, {
  clients: [{
    client_id: 'bita',
    client_secret: 'bita-test-secret',
    // A native client may return to any port of the loopback address (RFC 8252 §7.3): every
    // test's BITA listens on a port of its own.
    application_type: 'native',
    redirect_uris: ['http://127.0.0.1/oidc/tillbaka'],
    post_logout_redirect_uris: ['http://127.0.0.1/logga-in'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  acrValues: [LOA2, LOA3],
  claims: { openid: ['sub'], profile: ['name'], email: ['email'], pnr: [PNR] },
  scopes: ['openid', 'profile', 'email', 'pnr'],
  // The claims go in the ID token (BITA reads them there, from the token it verified).
  conformIdTokenClaims: false,
  // The `claims` parameter: BITA asks the ID token to carry the `acr` of every sign-in.
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true }, claimsParameter: { enabled: true } },
  async findAccount(ctx, id) {
    if (!people[id]) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...people[id] }; } };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email pnr');
    grant.addOIDCClaims(['name', 'email', PNR]);
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['bita-test-cookie-key'] },
  ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 60, Session: 600, Interaction: 600, Grant: 600 },
});
oidc.proxy = false;

const page = (uid, params) => `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Test-e-legitimation</title></head>
<body><main><h1>Test-e-legitimation</h1>
<form method="post" action="/interaction/${uid}">
<label for="login">Vem är du?</label><input id="login" name="login" autocomplete="off">
<label for="acr">Nivå</label><select id="acr" name="acr"><option value="${LOA3}">BankID (loa3)</option><option value="${LOA2}">Lösenord (loa2)</option></select>
<button type="submit">Legitimera</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Avbryt</button></form>
<p>${(params.acr_values || '').replace(/[<>&"]/g, '')}</p></main></body></html>`;

const body = (req) => new Promise((resolve) => {
  let b = '';
  req.on('data', (c) => { b += c; if (b.length > 10000) req.destroy(); });
  req.on('end', () => resolve(new URLSearchParams(b)));
});

const callback = oidc.callback();
server.on('request', async (req, res) => {
  const m = req.url.match(/^\/interaction\/([^/?]+)(\/abort)?/);
  if (!m) return callback(req, res);
  try {
    const details = await oidc.interactionDetails(req, res);
    if (details.prompt.name === 'consent') {
      // BITA is the municipality's own service: consent is given (a native client is always
      // asked, RFC 8252), without a page.
      // A new grant each time: an earlier one may be another person's, who signed in at this
      // browser before.
      const grant = new oidc.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      grant.addOIDCScope('openid profile email pnr');
      grant.addOIDCClaims(['name', 'email', PNR]);
      const grantId = await grant.save();
      return await oidc.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    if (req.method === 'GET') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      return res.end(page(details.uid, details.params));
    }
    if (m[2]) {
      return await oidc.interactionFinished(req, res, { error: 'access_denied', error_description: 'cancelled' }, { mergeWithLastSubmission: false });
    }
    const form = await body(req);
    const login = form.get('login') || '';
    if (!people[login]) {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      return res.end(page(details.uid, details.params));
    }
    const acr = form.get('acr') === LOA2 ? LOA2 : LOA3;
    await oidc.interactionFinished(req, res, { login: { accountId: login, acr, amr: [acr === LOA3 ? 'bankid' : 'pwd'], remember: false } }, { mergeWithLastSubmission: false });
  } catch (e) {
    res.statusCode = 400;
    res.end(String(e && e.message));
  }
});

console.log(`ready ${issuer}`);
if (args.includes('--until-stdin-closes')) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}
