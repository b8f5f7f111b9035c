// A page form that sends one file to an API route (which streams it to disk under the upload
// limit), with the session's CSRF token; the page is then reloaded to show the result.
(function () {
  "use strict";
  const form = document.getElementById("upload-form");
  if (!form) return;
  const status = document.getElementById("upload-status");
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const body = new FormData();
    body.append("file", form.elements.file.files[0]);
    status.className = "";
    status.textContent = "Đang tải lên và kiểm tra…";
    try {
      const response = await fetch(form.dataset.api, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRF-Token": form.dataset.csrf, "Accept": "application/json" }
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        const reasons = (data.problems || []).map(p => typeof p === "string" ? p : (p.message_vi || "")).filter(Boolean);
        throw new Error((data.message_vi || ("Lỗi " + response.status)) + (reasons.length ? " " + reasons.join("; ") : ""));
      }
      status.className = "ok";
      status.textContent = "Đã tiếp nhận đợt " + data.reference + " (" + data.dossiers.length + " hồ sơ).";
      setTimeout(() => window.location.assign(form.dataset.done), 800);
    } catch (error) {
      status.className = "error";
      status.textContent = error.message;
    }
  });
})();
