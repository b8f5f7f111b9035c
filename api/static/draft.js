// /draft: upload documents, review the fields read off them, fill the dossier, validate live, submit.
(function () {
  "use strict";
  const root = document.getElementById("draft");
  const labels = JSON.parse(document.getElementById("labels").textContent);
  const options = JSON.parse(document.getElementById("options").textContent);
  const docsBox = document.getElementById("documents");
  const dossierForm = document.getElementById("dossier-form");
  const submitButton = document.getElementById("submit-draft");
  const say = (id, text, cls) => { const el = document.getElementById(id); el.textContent = text; el.className = cls || ""; };
  const FIELDS = ["TypeName", "CodeNumber", "CodeNotation", "IssuedDate", "OrganName", "Subject",
                  "SignerInfo.Position", "SignerInfo.FullName", "Language"];
  const EXTRA = { "SignerInfo.Position": "Chức vụ người ký", "SignerInfo.FullName": "Họ tên người ký" };
  const REVIEW_BELOW = 0.9;
  let draftId = null, manifest = null, timer = null;

  async function api(method, url, body, isFile) {
    const headers = { "X-CSRF-Token": root.dataset.csrf, "Accept": "application/json" };
    let payload = body;
    if (body && !isFile) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
    const response = await fetch("/api/v1" + url, { method, body: payload, headers, credentials: "same-origin" });
    const data = await response.json().catch(() => ({}));
    if (!response.ok && response.status !== 422) throw new Error(data.message_vi || ("Lỗi " + response.status));
    return { status: response.status, data };
  }

  function where(proposal) {
    const w = (proposal.where || [])[0];
    if (!w) return "";
    const [x0, y0, x1, y1] = w.box.map(v => Math.round(v * 100));
    return `trang ${w.page}, ngang ${x0}–${x1} %, dọc ${y0}–${y1} %`;
  }

  function proposalOf(doc, name) {
    if (!name.startsWith("SignerInfo.")) return doc.fields[name] || { value: null, confidence: 0 };
    const signer = doc.fields.SignerInfo;
    return signer ? signer.parts[name.split(".")[1]] : { value: null, confidence: 0 };
  }

  function renderDocument(doc, direction) {
    const box = document.createElement("div");
    box.className = "draft-doc";
    box.dataset.file = doc.file;
    const title = document.createElement("h3");
    title.textContent = doc.file + (doc.legacy_encoding ? ` (chuyển từ bảng mã ${doc.legacy_encoding})` : "");
    const table = document.createElement("table");
    const dir = document.createElement("select");
    dir.name = "direction";
    for (const [value, label] of Object.entries(options.direction)) dir.add(new Option(label, value, false, value === direction));
    dir.addEventListener("change", schedule);
    table.insertRow().append(cell("th", "Chiều văn bản"), cell("td", dir), cell("td", ""), cell("td", ""));
    for (const name of FIELDS) {
      const p = proposalOf(doc, name);
      const input = document.createElement("input");
      input.name = name;
      input.value = p.value == null ? "" : p.value;
      if (name === "IssuedDate") input.type = "date";
      if (p.confidence < REVIEW_BELOW) input.classList.add("low");
      input.title = where(p);
      input.addEventListener("input", () => { input.classList.remove("low"); schedule(); });
      const row = table.insertRow();
      row.append(cell("th", labels[name] || EXTRA[name] || name), cell("td", input),
                 cell("td", Math.round(p.confidence * 100) + " %", "confidence"), cell("td", where(p), "where"));
    }
    const region = document.createElement("img");
    region.className = "region";
    region.alt = "Vùng trang nơi trường được đọc";
    region.hidden = true;
    table.addEventListener("focusin", event => {
      const p = event.target.name && FIELDS.includes(event.target.name) ? proposalOf(doc, event.target.name) : null;
      const w = p && (p.where || [])[0];
      region.hidden = !w;
      if (w) region.src = `/api/v1/drafts/${draftId}/documents/${encodeURIComponent(doc.file)}/region` +
        `?page=${w.page}&box=${w.box.join(",")}`;
    });
    box.append(title, table, region);
    return box;
  }

  function cell(tag, content, cls) {
    const el = document.createElement(tag);
    if (typeof content === "string") el.textContent = content; else el.append(content);
    if (cls) el.className = cls;
    return el;
  }

  function show(state) {
    manifest = state.manifest;
    const directions = Object.fromEntries(manifest.Documents.map(d => [d.file.split("/").pop(), d.direction]));
    docsBox.replaceChildren(...state.documents.map(d => renderDocument(d, directions[d.file])));
    dossierForm.hidden = state.documents.length === 0;
  }

  // The manifest from the page: the read documents as corrected, in date order, and the dossier fields.
  function currentManifest() {
    const docs = [...docsBox.querySelectorAll(".draft-doc")].map(box => {
      const get = name => box.querySelector(`[name="${name}"]`).value.trim();
      const doc = { direction: get("direction"), file: "files/" + box.dataset.file };
      for (const name of FIELDS) {
        const value = get(name);
        if (!value) continue;
        if (name.startsWith("SignerInfo.")) (doc.SignerInfo = doc.SignerInfo || {})[name.split(".")[1]] = value;
        else doc[name] = value;
      }
      if (doc.direction === "internal") delete doc.SignerInfo;
      const read = manifest.Documents.find(d => d.file === doc.file);
      if (read && read.PageAmount) doc.PageAmount = read.PageAmount;
      return doc;
    }).sort((a, b) => (a.IssuedDate || "9999").localeCompare(b.IssuedDate || "9999"));
    docs.forEach((d, i) => { d.DocOrdinal = i + 1; });
    const form = new FormData(dossierForm);
    const dates = docs.map(d => d.IssuedDate).filter(Boolean).sort();
    const out = { FileCode: { FileNotation: form.get("FileNotation").trim() }, Title: form.get("Title").trim(),
                  Maintenance: form.get("Maintenance"), Rights: form.get("Rights"), Creator: form.get("Creator").trim(),
                  Language: "vie", StartDate: dates[0], EndDate: dates[dates.length - 1], Documents: docs };
    if (form.get("Description").trim()) out.Description = form.get("Description").trim();
    return out;
  }

  function schedule() { clearTimeout(timer); timer = setTimeout(check, 500); }

  async function check() {
    const { data } = await api("POST", `/drafts/${draftId}/validate`, currentManifest());
    const list = document.getElementById("problems");
    list.replaceChildren(...(data.errors || []).map(p => cell("li", p.message_vi)));      // names the field
    submitButton.disabled = !data.valid;
    say("check-status", data.valid ? "Hồ sơ hợp lệ, có thể nộp." : `Còn ${data.errors.length} lỗi cần sửa.`,
        data.valid ? "ok" : "error");
  }

  document.getElementById("upload-form").addEventListener("submit", async event => {
    event.preventDefault();
    const files = [...event.target.querySelector("input[type=file]").files];
    try {
      if (!draftId) draftId = (await api("POST", "/drafts")).data.draft_id;
      for (const [i, file] of files.entries()) {
        say("read-status", `Đang đọc ${file.name} (${i + 1}/${files.length})…`);
        const body = new FormData();
        body.append("file", file);
        await api("POST", `/drafts/${draftId}/documents?name=${encodeURIComponent(file.name)}`, body, true);
      }
      show((await api("GET", `/drafts/${draftId}`)).data);
      say("read-status", `Đã đọc ${files.length} văn bản.`, "ok");
      check();
    } catch (error) { say("read-status", error.message, "error"); }
  });

  for (const name of ["Maintenance", "Rights"]) {
    const select = dossierForm.querySelector(`select[name=${name}]`);
    for (const value of options[name]) select.add(new Option(value, value));
  }
  dossierForm.addEventListener("input", schedule);

  dossierForm.addEventListener("submit", async event => {
    event.preventDefault();
    submitButton.disabled = true;
    try {
      const { status, data } = await api("POST", `/drafts/${draftId}/submit`, currentManifest());
      if (status === 422) { say("status", data.message_vi || "Hồ sơ chưa hợp lệ.", "error"); return; }
      say("status", "Đã nộp, đang lưu trữ…");
      document.getElementById("progress").hidden = false;
      for (;;) {
        const job = (await api("GET", data.status_url.replace("/api/v1", ""))).data;
        const bar = document.querySelector("#progress progress");
        bar.max = job.total_steps; bar.value = job.done_steps;
        if (job.state === "failed") { say("status", "Xử lý hồ sơ bị lỗi ở một bước, xem trang Nộp hồ sơ.", "error"); return; }
        if (job.state === "done") {
          const link = document.createElement("a");
          link.href = "/dossiers/" + encodeURIComponent(job.dossier_code); link.textContent = job.dossier_code;
          say("status", "Đã lưu trữ xong hồ sơ ", "ok");
          document.getElementById("status").append(link);
          return;
        }
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
    } catch (error) { say("status", error.message, "error"); }
  });
})();
