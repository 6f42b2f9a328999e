// Single sign-on's hand-over pages move on by themselves: after a login, on to the chat (a navigation
// from this page carries the SameSite=Strict session cookie); at logout, the form that posts the ID token
// to the provider's end_session_endpoint is submitted.
"use strict";
(() => {
  const logout = document.getElementById("sso-logout");
  if (logout) {
    logout.submit();
    return;
  }
  const next = document.getElementById("sso-continue");
  if (next) window.location.replace(next.getAttribute("href"));
})();
