// The modern listing's upload forms, improved: files and folders dropped
// on the upload area or picked are sent one request each, with a progress
// bar and a message per file, and a delete asks for confirmation. Without
// this script the same forms post as plain HTML forms.
(() => {
  "use strict";
  const MAX_FILES = 10000;
  const area = document.querySelector("section.up");
  const form = area && area.querySelector("form.files");
  const list = area && area.querySelector("ul");

  document.querySelectorAll("form.rm").forEach(f => {
    f.addEventListener("submit", ev => {
      const name = f.querySelector("input[name=name]").value;
      if (!window.confirm("Delete " + name + "?")) ev.preventDefault();
    });
  });
  if (!form || !list) return;
  const hint = document.createElement("span");
  hint.textContent = "or drop files and folders here";
  form.querySelector("button").after(" ", hint);

  // message is the text of our error page's "Message:" line, if any.
  const message = xhr => {
    const m = /Message: (.*?)\.?<\/p>/.exec(xhr.responseText || "");
    return xhr.status + " " + (m ? m[1] : xhr.statusText);
  };

  // send uploads one file under its relative path, reporting in li.
  const send = (file, path, li) => new Promise(resolve => {
    const bar = document.createElement("progress");
    bar.max = 1;
    bar.value = 0;
    const status = document.createElement("span");
    li.append(bar, status);
    const body = new FormData();
    body.append("file", file, path);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", ev => {
      if (ev.lengthComputable) bar.value = ev.loaded / ev.total;
    });
    xhr.addEventListener("load", () => {
      if (xhr.status === 201) {
        bar.value = 1;
        let stored = path;
        try { stored = JSON.parse(xhr.responseText).files[0].name; } catch (e) { /* keep path */ }
        status.textContent = stored === path ? "done" : "done, stored as " + stored;
        resolve(true);
      } else {
        li.className = "err";
        status.textContent = "failed: " + message(xhr);
        resolve(false);
      }
    });
    for (const what of ["error", "abort", "timeout"]) {
      xhr.addEventListener(what, () => {
        li.className = "err";
        status.textContent = "failed: connection " + (what === "error" ? "lost" : what);
        resolve(false);
      });
    }
    xhr.send(body);
  });

  // upload sends each [file, path] in turn, then reloads the listing if
  // all went well; failures stay on the page with their messages.
  let busy = false;
  const upload = async files => {
    if (busy || !files.length) return;
    busy = true;
    list.textContent = "";
    let ok = true;
    for (const [file, path] of files) {
      const li = document.createElement("li");
      li.textContent = path + " ";
      list.append(li);
      ok = (await send(file, path, li)) && ok;
    }
    busy = false;
    if (ok) window.location.reload();
  };

  form.addEventListener("submit", ev => {
    ev.preventDefault();
    const files = [];
    for (const input of form.querySelectorAll("input[type=file]")) {
      for (const f of input.files) files.push([f, f.webkitRelativePath || f.name]);
    }
    upload(files.slice(0, MAX_FILES));
  });

  // walk collects the files under a dropped entry, with their paths.
  const walk = async (entry, files) => {
    if (files.length >= MAX_FILES) return;
    if (entry.isFile) {
      const f = await new Promise((res, rej) => entry.file(res, rej));
      files.push([f, entry.fullPath.replace(/^\//, "")]);
      return;
    }
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
      if (!batch.length) return;
      for (const e of batch) await walk(e, files);
    }
  };

  area.addEventListener("dragover", ev => { ev.preventDefault(); area.classList.add("drag"); });
  area.addEventListener("dragleave", () => area.classList.remove("drag"));
  area.addEventListener("drop", async ev => {
    ev.preventDefault();
    area.classList.remove("drag");
    const files = [];
    const entries = Array.from(ev.dataTransfer.items || [], i => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    try {
      if (entries.length) {
        for (const e of entries) await walk(e, files);
      } else {
        for (const f of ev.dataTransfer.files) files.push([f, f.name]);
      }
    } catch (e) {
      list.textContent = "Cannot read what was dropped.";
      return;
    }
    upload(files);
  });
})();
