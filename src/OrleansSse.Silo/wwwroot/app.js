// OrleansSse console: an EventSource client plus forms for the JSON API. Plain JS, no build step.
// The browser's own EventSource reconnect (which sends Last-Event-ID) is left alone; only when
// the browser gives up for good (readyState CLOSED: the server answered something other than a
// stream) does the page open a new EventSource, with backoff and last_event_id, so nothing is
// missed within retention. Before that it asks the server why (probe.js) and shows the answer:
// a 4xx other than 429 (bad name, too many groups, missing token…) stops reconnecting; 429 and
// 5xx keep retrying, no sooner than Retry-After.
(() => {
  "use strict";

  const MAX_LOG_ROWS = 500;
  const STORAGE_KEY = "orleanssse.clientId";
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);

  let source = null;        // the current EventSource
  let lastEventId = "";     // the last id seen, for a manual reopen after the browser gave up
  let reopenTimer = 0;
  let reopenDelay = 1000;
  let received = 0;
  let probing = null;       // AbortController of the probe in flight
  const RESERVED = ["connected", "message", "ai_response", "error", "open"]; // listened to already, or EventSource's own

  // ---- client id --------------------------------------------------------------------------
  const newClientId = () => {
    const bytes = crypto.getRandomValues(new Uint8Array(5));
    return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };
  const clientId = () => $("client-id").value.trim();
  const setClientId = (id) => {
    $("client-id").value = id;
    sessionStorage.setItem(STORAGE_KEY, id);
  };
  setClientId(params.get("client_id") || sessionStorage.getItem(STORAGE_KEY) || newClientId());
  if (params.get("groups")) $("groups").value = params.get("groups");
  if (params.get("events")) $("extra-events").value = params.get("events");

  // ---- state and log ----------------------------------------------------------------------
  // closed, connecting, open, reconnecting, or refused (the server turned the stream down for good).
  const setState = (state) => {
    $("state").dataset.state = state;
    $("state").textContent = state;
    const connected = state !== "closed" && state !== "refused";
    $("connect").disabled = connected;
    $("disconnect").disabled = !connected;
    $("client-id").disabled = connected;
    $("groups").disabled = connected;
    $("extra-events").disabled = connected;
  };

  // Why the stream is not open (the server's problem detail), next to the state; "" hides it.
  const setReason = (text) => {
    $("state-reason").textContent = text;
    $("state-reason").hidden = !text;
  };

  const time = () => new Date().toISOString().slice(11, 23);

  const log = (event, id, data) => {
    const list = $("log");
    const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    const row = document.createElement("div");
    row.className = "log-row";
    row.dataset.event = event;
    row.dataset.id = id;
    for (const [cls, text] of [["log-time", time()], ["log-event", event], ["log-id", id], ["log-data", data]]) {
      const cell = document.createElement("span");
      cell.className = cls;
      cell.textContent = text;
      row.append(cell);
    }
    list.append(row);
    while (list.childElementCount > MAX_LOG_ROWS) list.firstElementChild.remove();
    received++;
    list.dataset.count = String(received);
    $("log-count").textContent = String(received);
    if (stick) list.scrollTop = list.scrollHeight;
  };

  const csv = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);

  // ---- EventSource ------------------------------------------------------------------------
  const onEvent = (e) => {
    if (e.lastEventId) lastEventId = e.lastEventId;
    log(e.type, e.lastEventId, e.data);
  };

  const onConnected = (e) => {
    // `connected` carries no id; the browser would repeat the previous one, so show none.
    log(e.type, "", e.data);
    reopenDelay = 1000;
    setReason("");
    refreshGroups(); // groups= joined them before this event
    try {
      const info = JSON.parse(e.data);
      if (info.client_id && info.client_id !== clientId()) setClientId(info.client_id);
      $("connected-info").dataset.recovered = String(info.recovered);
      $("connected-info").textContent = `client ${info.client_id} · recovered: ${info.recovered}`;
    } catch {
      $("connected-info").textContent = "connected (unreadable payload)";
    }
  };

  const onAiResponse = (e) => {
    onEvent(e);
    const answer = $("ai-answer");
    let msg;
    try { msg = JSON.parse(e.data); } catch { return; }
    if (msg.content) answer.append(document.createTextNode(msg.content));
    if (msg.error) {
      answer.dataset.status = "error";
      setResult("ai-result", false, msg.error);
    } else if (msg.done) {
      answer.dataset.status = "done";
    } else {
      answer.dataset.status = "streaming";
    }
  };

  // Asks the server why `es` failed (one probe at a time) and acts on the answer.
  const diagnose = async (es) => {
    if (probing) return;
    const ctrl = new AbortController();
    probing = ctrl;
    const verdict = await window.orleansSseProbe(es.url, es.withCredentials, ctrl.signal);
    if (probing === ctrl) probing = null;
    if (es !== source) return; // disconnected or reopened meanwhile
    if (verdict.status >= 400 && verdict.status < 500 && verdict.status !== 429) {
      es.close(); // retrying cannot help: show why and wait for the user
      source = null;
      setState("refused");
      setReason(verdict.reason + " (not reconnecting)");
      $("connected-info").textContent = "not connected";
      $("connected-info").dataset.recovered = "";
      return;
    }
    if (es.readyState !== EventSource.CLOSED) {
      setReason(verdict.ok ? "" : verdict.reason); // the browser keeps retrying by itself
      return;
    }
    const delay = Math.max(reopenDelay, verdict.retryAfter * 1000);
    reopenDelay = Math.min(reopenDelay * 2, 30000);
    setReason(verdict.ok ? "" : `${verdict.reason} (retrying in ${Math.ceil(delay / 1000)} s)`);
    reopenTimer = setTimeout(open, delay);
  };

  const stopProbe = () => {
    if (probing) probing.abort();
    probing = null;
  };

  const open = () => {
    clearTimeout(reopenTimer);
    stopProbe();
    const query = new URLSearchParams({ client_id: clientId() });
    const groups = csv($("groups").value);
    if (groups.length) query.set("groups", groups.join(","));
    if (lastEventId) query.set("last_event_id", lastEventId);
    const es = new EventSource("api/sse?" + query);
    let opened = false;
    let asked = false;
    source = es;
    listening.clear();
    setState("connecting");
    es.onopen = () => {
      if (es !== source) return;
      opened = true;
      setState("open");
    };
    es.onerror = () => {
      if (es !== source) return;
      setState("reconnecting");
      // CLOSED: the browser gave up (the server answered something other than a stream); ask
      // why, then reopen with backoff or stop. CONNECTING: the browser retries by itself, sending
      // Last-Event-ID; if this stream never opened, ask once why (e.g. the server is unreachable).
      if (es.readyState === EventSource.CLOSED) {
        diagnose(es);
      } else if (!opened && !asked) {
        asked = true;
        diagnose(es);
      }
    };
    es.addEventListener("connected", onConnected);
    es.addEventListener("message", onEvent);
    es.addEventListener("ai_response", onAiResponse);
    for (const name of csv($("extra-events").value)) listen(name);
  };

  // EventSource shows only event names it has a listener for.
  const listening = new Set();
  const listen = (name) => {
    if (!source || RESERVED.includes(name) || listening.has(name)) return;
    listening.add(name);
    source.addEventListener(name, onEvent);
  };

  // A name sent from this page joins "Extra event names" (kept for reconnects) and is listened to now.
  const listenForSent = (name) => {
    if (RESERVED.includes(name)) return;
    const names = csv($("extra-events").value);
    if (!names.includes(name)) $("extra-events").value = [...names, name].join(",");
    listen(name);
  };

  const close = () => {
    clearTimeout(reopenTimer);
    stopProbe();
    if (source) source.close();
    source = null;
    setState("closed");
    setReason("");
    $("connected-info").textContent = "not connected";
    $("connected-info").dataset.recovered = "";
  };

  $("connect-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!$("connect-form").reportValidity()) return;
    setClientId(clientId());
    lastEventId = "";
    reopenDelay = 1000;
    setReason("");
    open();
  });
  $("disconnect").addEventListener("click", close);
  $("generate-id").addEventListener("click", () => setClientId(newClientId()));
  $("clear-log").addEventListener("click", () => {
    $("log").replaceChildren();
    received = 0;
    $("log").dataset.count = "0";
    $("log-count").textContent = "0";
  });

  // ---- JSON API ---------------------------------------------------------------------------
  const api = async (method, path, body) => {
    const headers = { Accept: "application/json" };
    const key = $("publisher-key").value.trim();
    if (key) headers.Authorization = "Bearer " + key;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { ok: response.ok, status: response.status, json, text };
  };

  const setResult = (id, ok, text) => {
    const out = $(id);
    out.className = "result " + (ok ? "ok" : "error");
    out.textContent = text;
  };

  const report = (id, r) => {
    const detail = r.ok ? (r.text || "") : (r.json && (r.json.detail || r.json.title)) || r.text;
    setResult(id, r.ok, `${r.status} ${detail}`.trim());
  };

  const call = async (id, method, path, body) => {
    try {
      const r = await api(method, path, body);
      report(id, r);
      return r;
    } catch (err) {
      setResult(id, false, String(err));
      return null;
    }
  };

  const enc = encodeURIComponent;

  $("send-target").addEventListener("change", () => {
    const kind = $("send-target").value;
    $("send-to").disabled = kind === "self" || kind === "broadcast";
  });

  $("send-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const kind = $("send-target").value;
    const to = $("send-to").value.trim();
    const event = $("send-event").value.trim() || "message";
    let data = $("send-data").value;
    if ($("send-json").checked) {
      try { data = JSON.parse(data); } catch { setResult("send-result", false, "data is not valid JSON"); return; }
    }
    listenForSent(event); // before sending, so the event cannot arrive unheard
    if (kind === "self") await call("send-result", "POST", "api/sse/send", { client_id: clientId(), event, data });
    else if (kind === "client") await call("send-result", "POST", "api/sse/send", { client_id: to, event, data });
    else if (kind === "group") await call("send-result", "POST", `api/sse/groups/${enc(to)}/send`, { event, data });
    else await call("send-result", "POST", "api/sse/broadcast", { event, data });
  });

  const refreshGroups = async () => {
    try {
      const r = await api("GET", `api/sse/clients/${enc(clientId())}`);
      if (r.ok && r.json) $("my-groups").textContent = (r.json.groups || []).join(", ") || "–";
    } catch { /* informational only */ }
  };

  const membership = async (method) => {
    const group = $("group-name").value.trim();
    if (!group) return;
    await call("group-result", method, `api/sse/groups/${enc(group)}/clients/${enc(clientId())}`);
    await refreshGroups();
  };
  $("group-form").addEventListener("submit", (e) => { e.preventDefault(); membership("PUT"); });
  $("leave-group").addEventListener("click", () => membership("DELETE"));

  $("ai-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const prompt = $("ai-prompt").value.trim();
    if (!prompt) return;
    const answer = $("ai-answer");
    answer.replaceChildren();
    answer.dataset.status = "waiting";
    const r = await call("ai-result", "POST", "api/ai/stream-chat", { prompt, client_id: clientId() });
    if (!r || !r.ok) answer.dataset.status = "error";
  });

  // ---- start ------------------------------------------------------------------------------
  setState("closed");
  if (params.get("autoconnect") !== "0") open();
  refreshGroups();
})();
