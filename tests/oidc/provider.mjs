// A real OpenID Connect provider (node-oidc-provider) on 127.0.0.1, for the sign-in tests.
// Usage: node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
// Its own development login form signs in whoever types an e-mail as the login; a login that starts
// with "unverified." gets email_verified: false. It prints "ready" once it listens.
import Provider, { interactionPolicy } from "oidc-provider";

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

// Streamlit asks Google-style for prompt=select_account; accept it, and let the login form be the choice.
const policy = interactionPolicy.base();
const selectAccount = new interactionPolicy.Prompt({ name: "select_account", requestable: true });
selectAccount.checks.splice(0);
policy.add(selectAccount);

const provider = new Provider(issuer, {
  interactions: { policy },
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [redirectUri],  // Streamlit comes back through its callback
    response_types: ["code"],
    grant_types: ["authorization_code"],
  }],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // Streamlit reads who signed in from the ID token alone: put the scopes' claims in it.
  conformIdTokenClaims: false,
  cookies: { keys: ["okra-dash-tests-only"] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const email = id.replace(/^unverified\./, "");
    return {
      accountId: id,
      async claims() {
        return { sub: id, email, email_verified: !id.startsWith("unverified."), name: email.split("@")[0] };
      },
    };
  },
});
provider.listen(Number(port), "127.0.0.1", () => console.log("ready"));
