// allauth headless's browser client, by hand: the session cookie is the browser's, every
// write carries Django's CSRF token (the page was served with the csrftoken cookie).
"use strict";

const API = "/_allauth/browser/v1";
const HOME = location.pathname;
// What the front end says for a code allauth headless puts on its callback URL (?error=).
const CALLBACK_ERRORS = {
  required_terms: "Joining needs your agreement to the store's required terms.",
  deleted_account: "This account was deleted from the store and cannot join again for now.",
  proof_required: "An account with this email address exists. Prove it is yours to link the two.",
  kakao_only: "Only Kakao login is available in the KakaoTalk browser.",
  provider_error: "The login service did not answer as expected. Please try again.",
};

function $(id) { return document.getElementById(id); }

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  // allauth headless's paths are relative to API; the shop's own JSON URLs are whole ones.
  const response = await fetch(path.startsWith("http") ? path : API + path, init);
  let data = {};
  try { data = await response.json(); } catch (e) { data = { status: response.status }; }
  return data;
}

function showErrors(errors) {
  const list = $("errors");
  list.replaceChildren();
  for (const error of errors || []) {
    const item = document.createElement("li");
    item.textContent = error.message;
    item.dataset.code = error.code || "";
    if (error.param) item.dataset.param = error.param;
    list.appendChild(item);
  }
}

// A provider login is a page load: a form POST to provider/redirect.
function postForm(url, fields) {
  const form = document.createElement("form");
  form.method = "post";
  form.action = url;
  for (const [name, value] of Object.entries({ ...fields, csrfmiddlewaretoken: csrfToken() })) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}

function providerLogin(providerId) {
  postForm(API + "/auth/provider/redirect", {
    provider: providerId, process: "login", callback_url: HOME,
  });
}

async function showProviders() {
  const config = await api("GET", "/config");
  const box = $("providers");
  box.replaceChildren();
  const providers = ((config.data || {}).socialaccount || {}).providers || [];
  for (const provider of providers) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = provider.name;
    button.dataset.provider = provider.id;
    button.addEventListener("click", () => providerLogin(provider.id));
    box.appendChild(button);
  }
  $("providers-box").hidden = false;
}

async function showProviderSignup(provider) {
  const fields = (await api("GET", `${location.origin}/sociallogin/headless/signup-fields/${provider.id}`)).data.fields;
  // What the provider gave, offered for editing (allauth headless's pending signup).
  const pending = (await api("GET", "/auth/provider/signup")).data || {};
  const given = { email: ((pending.email || [])[0] || {}).email || "" };
  const form = $("provider-signup-form");
  form.replaceChildren();
  // The shop validates (the same form as its HTML signup): its errors are what is shown.
  form.noValidate = true;
  for (const field of fields) {
    const label = document.createElement("label");
    label.textContent = field.label + " ";
    let input;
    if (field.choices) {
      input = document.createElement("select");
      input.appendChild(new Option("---", ""));
      for (const [value, text] of field.choices) input.appendChild(new Option(text, value));
    } else {
      input = document.createElement("input");
      if (field.type === "BooleanField") input.type = "checkbox";
      if (field.type === "DateField") input.type = "date";
    }
    input.name = field.name;
    input.required = field.required;
    if (given[field.name]) input.value = given[field.name];
    label.appendChild(input);
    form.appendChild(label);
  }
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = "Join";
  form.appendChild(submit);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const body = {};
    for (const element of form.elements) {
      if (!element.name) continue;
      if (element.type === "checkbox") body[element.name] = element.checked;
      else if (element.value) body[element.name] = element.value;
    }
    const answer = await api("POST", "/auth/provider/signup", body);
    if (answer.status === 200) { location.assign(HOME); return; }
    showErrors(answer.errors);
  };
  $("provider-signup").hidden = false;
}

async function showMissingTerms() {
  const answer = await api("GET", `${location.origin}/kakaosync/headless/terms`);
  const info = answer.data || {};
  if (!info.missing || !info.missing.length) return;
  const list = $("missing-terms");
  list.replaceChildren();
  for (const term of info.missing) {
    const item = document.createElement("li");
    item.textContent = term.title;
    list.appendChild(item);
  }
  $("agree-terms").onclick = () =>
    postForm(info.flow.url, { ...info.flow.fields, callback_url: HOME });
  $("terms-box").hidden = false;
}

async function render() {
  const params = new URLSearchParams(location.search);
  const code = params.get("error");
  if (code) {
    showErrors([{ code, message: CALLBACK_ERRORS[code] || "The login did not finish (" + code + ")." }]);
  }
  const session = await api("GET", "/auth/session");
  if (session.status === 200) {
    $("status").textContent = "Logged in";
    $("display").textContent = session.data.user.display;
    $("logged-in").hidden = false;
    await showMissingTerms();
    return;
  }
  if (session.status === 403) {
    // The shop refused the session's reading (a user-ID login): its error says why.
    $("status").textContent = "Logged in (limited)";
    showErrors(session.errors);
    $("logged-in").hidden = false;
    return;
  }
  $("status").textContent = "Not logged in";
  const flows = (session.data || {}).flows || [];
  const pending = flows.find((flow) => flow.id === "provider_signup" && flow.is_pending);
  if (pending) {
    await showProviderSignup(pending.provider);
    return;
  }
  await showProviders();
  $("store-signup-box").hidden = false;
}

$("logout").addEventListener("click", async () => {
  await api("DELETE", "/auth/session");
  location.assign(HOME);
});

$("store-signup").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const answer = await api("POST", "/auth/signup", {
    email: form.email.value, username: form.username.value, password: form.password.value,
  });
  if (answer.status === 200) { location.assign(HOME); return; }
  showErrors(answer.errors);
});

render();
