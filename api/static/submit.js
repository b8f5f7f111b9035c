// Submission page: check the ZIP with the validator, submit it, then follow the job's steps.
(function () {
  "use strict";
  const form = document.getElementById("submit-form");
  const statusLine = document.getElementById("status");
  const problems = document.getElementById("problems");
  const progress = document.getElementById("progress");
  const labels = JSON.parse(document.getElementById("labels").textContent);
  const STEPS = JSON.parse(document.getElementById("step-labels").textContent);
  const STATES = JSON.parse(document.getElementById("state-labels").textContent);

  function fieldLabel(path) {
    const parts = (path || "").split("/").filter(Boolean).map(p => p.split("[")[0].replace(/^@/, ""));
    return parts.length ? (labels[parts[parts.length - 1]] || parts[parts.length - 1]) : "";
  }

  async function post(url, file) {
    const body = new FormData();
    body.append("file", file);
    const response = await fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRF-Token": form.dataset.csrf, "Accept": "application/json" }
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message_vi || ("Lỗi " + response.status));
    return data;
  }

  function showProblems(report) {
    problems.querySelector("h2").textContent = report.valid ? "Cảnh báo (hồ sơ vẫn được nộp)" : "Hồ sơ chưa hợp lệ";
    const tbody = problems.querySelector("tbody");
    tbody.replaceChildren();
    for (const p of report.errors.concat(report.warnings || [])) {
      const row = tbody.insertRow();
      row.className = p.severity;
      row.insertCell().textContent = fieldLabel(p.path);
      row.insertCell().textContent = p.path || "/";
      row.insertCell().textContent = (p.severity === "warning" ? "Cảnh báo: " : "") + p.message_vi;
    }
    problems.hidden = false;
  }

  function showJob(job) {
    progress.hidden = false;
    const bar = progress.querySelector("progress");
    bar.max = job.total_steps;
    bar.value = job.done_steps;
    const list = progress.querySelector("ol");
    list.replaceChildren(...job.steps.map(s => {
      const item = document.createElement("li");
      item.className = s.state;
      item.textContent = (STEPS[s.step] || s.step) + ": " + (STATES[s.state] || s.state) + (s.reason_vi ? " — " + s.reason_vi : "");
      return item;
    }));
  }

  async function follow(url) {
    for (;;) {
      const response = await fetch(url, { credentials: "same-origin" });
      const job = await response.json();
      showJob(job);
      if (job.state === "done") {
        statusLine.replaceChildren("Đã lưu trữ xong hồ sơ ");
        const link = document.createElement("a");
        link.href = "/dossiers/" + encodeURIComponent(job.dossier_code);
        link.textContent = job.dossier_code;
        statusLine.append(link);
        statusLine.className = "ok";
        return;
      }
      if (job.awaiting_ocr && job.state === "running") {
        // LUUTRU_OCR_MODE=after: archived and searchable; the scans' OCR adds the next version
        statusLine.textContent = "Đã lưu trữ hồ sơ " + job.dossier_code + "; đang nhận dạng chữ các bản quét (phiên bản sau).";
        statusLine.className = "";
      }
      if (job.state === "failed") {
        statusLine.textContent = "Xử lý hồ sơ bị lỗi, xem bước bị lỗi bên dưới.";
        statusLine.className = "error";
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }

  form.addEventListener("submit", async event => {
    event.preventDefault();
    const file = form.elements.file.files[0];
    if (!file) return;
    problems.hidden = true;
    progress.hidden = true;
    statusLine.className = "";
    try {
      statusLine.textContent = "Đang kiểm tra hồ sơ…";
      const report = await post("/api/v1/validate", file);
      if (!report.valid) {
        statusLine.textContent = "Hồ sơ có " + report.errors.length + " lỗi, chưa nộp.";
        statusLine.className = "error";
        showProblems(report);
        return;
      }
      if (report.warnings.length) showProblems(report);     // archived, but the archivist should know
      statusLine.textContent = "Hồ sơ hợp lệ (" + report.dossier_code + ")" +
        (report.warnings.length ? ", có " + report.warnings.length + " cảnh báo" : "") + ". Đang nộp…";
      const accepted = await post("/api/v1/submissions", file);
      statusLine.textContent = "Đã nhận hồ sơ, đang xử lý…";
      await follow(accepted.status_url);
    } catch (error) {
      statusLine.textContent = error.message;
      statusLine.className = "error";
    }
  });
})();
