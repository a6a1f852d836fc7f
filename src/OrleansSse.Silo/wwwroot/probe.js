// Why did the stream fail? EventSource never exposes the HTTP status of a refused connection, so
// the console asks once itself: one fetch of the same URL with the same credentials mode.
//   { ok: true }                               2xx: the stream would open (the fetch is aborted at
//                                              once, it is a stream) — let EventSource go on
//   { ok: false, status, reason, retryAfter }  the refusal: status, the problem body's title and
//                                              detail, Retry-After in seconds (0 when absent)
//   { ok: false, status: 0, reason }           no answer: the server cannot be reached
// The probe is a real request: on a 2xx the silo sees a stream that opens and ends at once.
window.orleansSseProbe = async (url, withCredentials, signal) => {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), 10000);
  const cancel = () => ctrl.abort();
  if (signal) signal.addEventListener("abort", cancel);
  try {
    const response = await fetch(url, {
      credentials: withCredentials ? "include" : "same-origin",
      cache: "no-store",
      headers: { Accept: "text/event-stream" },
      signal: ctrl.signal,
    });
    if (response.ok) {
      ctrl.abort();
      return { ok: true };
    }
    let problem = null;
    try { problem = JSON.parse(await response.text()); } catch { /* not a JSON problem body */ }
    const title = (problem && problem.title) || response.statusText || "refused";
    const detail = problem && problem.detail;
    const retryAfter = Number.parseInt(response.headers.get("Retry-After") || "", 10);
    return {
      ok: false,
      status: response.status,
      reason: `${response.status} ${title}${detail ? ": " + detail : ""}`,
      retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 0,
    };
  } catch {
    return { ok: false, status: 0, reason: ctrl.signal.aborted ? "no answer from the server" : "the server cannot be reached", retryAfter: 0 };
  } finally {
    clearTimeout(timer);
    if (signal) signal.removeEventListener("abort", cancel);
  }
};
