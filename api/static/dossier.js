// Dossier page: a PDF/A viewer is created only when its section is opened, so viewing the
// page fetches no document (and writes no download to the audit trail).
(function () {
  "use strict";
  for (const details of document.querySelectorAll("details.viewer[data-src]")) {
    details.addEventListener("toggle", () => {
      const frame = details.querySelector(".viewer-frame");
      if (!details.open || frame.firstChild) return;
      const viewer = document.createElement("object");
      viewer.type = "application/pdf";
      viewer.className = "pdf";
      viewer.data = details.dataset.src;
      frame.append(viewer);
    });
  }
})();
