import { type Html, html, page } from '../html.js';

/** The sign-in form: the token goes into an HttpOnly, SameSite=Strict cookie, so reading works without JavaScript. */
export function loginPage(next: string, error?: string): Html {
  return page(
    { title: 'Sign in' },
    html`<h1>Sign in</h1>
<p class="hint">This server needs its token for clients on other machines and for accepting or rejecting contributions.</p>
${error ? html`<p class="error">${error}</p>` : ''}
<form class="login" method="post" action="/login">
<input type="hidden" name="next" value="${next}">
<label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button>
</form>`,
  );
}
