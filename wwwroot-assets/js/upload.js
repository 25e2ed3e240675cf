// Upload drop zone: collects files (drop incl. folders, a folder picker, click to choose, paste), asks the component which
// to accept (in chunks, so a library of thousands fits the circuit's message size), skips those the server already has
// (SHA-256 in the browser, one POST /api/images/exists per chunk), then POSTs each to /api/upload with
// XMLHttpRequest (progress events), at most `parallel` at a time. A file that failed or was cancelled stays held here so
// "Retry failed" can send it again without choosing it anew.
const files = new Map();   // key -> File (queued, in flight, or failed/cancelled and retryable)
const xhrs = new Map();    // key -> XMLHttpRequest in flight
const queue = [];          // keys waiting
const chunk = 50;          // files described per call to the component
let seq = 0;

export function init(zone, input, folderInput, dotnet, parallel) {
    const state = { zone, input, folderInput, dotnet, parallel: parallel || 4, active: 0 };
    const add = async list => {
        for (let i = 0; i < list.length; i += chunk) {
            const described = [];
            for (const file of list.slice(i, i + chunk)) {
                const key = `f${Date.now().toString(36)}-${seq++}`;
                files.set(key, file);
                described.push({ key, name: file.webkitRelativePath || file.fullPath || file.name, size: file.size, type: file.type || '', head: await head(file) });
            }
            if (described.length === 0) continue;
            const accepted = new Set(await dotnet.invokeMethodAsync('FilesAdded', described));
            for (const d of described) if (!accepted.has(d.key)) files.delete(d.key);
            // Files the server already has are marked at once and never sent; the rest are queued.
            const known = await precheck(described.filter(d => accepted.has(d.key)).map(d => d.key));
            for (const d of described) {
                if (!accepted.has(d.key)) continue;
                const imageId = known.get(d.key);
                if (imageId) {
                    files.delete(d.key);
                    appendSession({ imageId, name: d.name, size: d.size, duplicate: true });
                    dotnet.invokeMethodAsync('Uploaded', d.key, imageId, true);
                } else {
                    queue.push(d.key);
                }
            }
            pump(state);
        }
    };
    state.add = add;
    zone.addEventListener('dragover', e => { e.preventDefault(); zone.classList.add('drop-zone--over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('drop-zone--over'));
    zone.addEventListener('drop', async e => {
        e.preventDefault();
        zone.classList.remove('drop-zone--over');
        await add(await filesOf(e.dataTransfer));
    });
    zone.addEventListener('click', e => { if (!e.target.closest('button, a')) input.click(); });
    zone.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
    const onChange = el => async () => { const list = [...el.files]; el.value = ''; await add(list); };
    input.addEventListener('change', onChange(input));
    folderInput?.addEventListener('change', onChange(folderInput));
    state.onPaste = async e => {
        const pasted = [...(e.clipboardData?.files || [])];
        if (pasted.length) { e.preventDefault(); await add(pasted); }
    };
    document.addEventListener('paste', state.onPaste);
    return {
        dispose: () => document.removeEventListener('paste', state.onPaste),
        cancel: key => cancel(state, key),
        cancelAll: () => abortAll(),
        retry: keys => requeue(state, keys),
        pickFolder: () => folderInput?.click(),
    };
}

export function dispose(handle) { handle?.dispose(); }

export function cancelUpload(handle, key) { handle?.cancel(key); }

// The component has already marked every queued file cancelled; only the ones in flight report back (a few).
export function cancelAll(handle) { handle?.cancelAll(); }

// Sends again the files still held for these keys; answers the keys re-queued.
export function retry(handle, keys) { return handle ? handle.retry(keys) : []; }

export function pickFolder(handle) { handle?.pickFolder(); }

function cancel(state, key) {
    const i = queue.indexOf(key);
    if (i >= 0) queue.splice(i, 1);
    const xhr = xhrs.get(key);
    if (xhr) xhr.abort(); else state.dotnet.invokeMethodAsync('Aborted', key);
}

function abortAll() {
    queue.length = 0;
    for (const xhr of [...xhrs.values()]) xhr.abort();
}

function requeue(state, keys) {
    const again = [];
    for (const key of keys) {
        if (files.has(key) && !xhrs.has(key) && !queue.includes(key)) { queue.push(key); again.push(key); }
    }
    pump(state);
    return again;
}

// The first bytes, base64, for the component's check (the server's own file-kind table: HEIC, AVIF, RAW, PDF, video...).
const headLength = 64;
async function head(file) {
    try {
        const bytes = new Uint8Array(await file.slice(0, headLength).arrayBuffer());
        let binary = '';
        for (const b of bytes) binary += String.fromCharCode(b);
        return btoa(binary);
    } catch {
        return null;
    }
}

// Duplicate pre-check: hashes these files (SHA-256, as the server does while streaming) and asks the server once which it
// already has; answers key -> imageId for those. crypto.subtle exists only in secure contexts (https, localhost): without it,
// or on any error, the answer is empty and every file is uploaded (the server still answers duplicates itself).
const existsBatch = 500;   // the server's limit per call
async function precheck(keys) {
    const found = new Map();
    if (keys.length === 0 || !globalThis.isSecureContext || !globalThis.crypto?.subtle) return found;
    try {
        const byHash = new Map();
        for (const key of keys) {
            const file = files.get(key);
            if (!file) continue;
            const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
            const hash = Array.from(digest, b => b.toString(16).padStart(2, '0')).join('');
            if (!byHash.has(hash)) byHash.set(hash, []);
            byHash.get(hash).push(key);
        }
        const hashes = [...byHash.keys()];
        for (let i = 0; i < hashes.length; i += existsBatch) {
            const response = await fetch('/api/images/exists', {
                method: 'POST', credentials: 'same-origin',
                headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
                body: JSON.stringify({ sha256: hashes.slice(i, i + existsBatch) }),
            });
            if (!response.ok) continue;
            const body = await response.json();
            for (const e of body.existing || []) for (const key of byHash.get(e.sha256) || []) found.set(key, e.imageId);
        }
    } catch {
        // Unreadable file, network error: upload them all.
    }
    return found;
}

// Dropped folders (any depth) through DataTransferItem.webkitGetAsEntry; plain files as they come.
async function filesOf(dataTransfer) {
    const items = [...(dataTransfer.items || [])];
    const entries = items.map(i => i.webkitGetAsEntry ? i.webkitGetAsEntry() : null);
    if (entries.some(e => e && e.isDirectory)) {
        const out = [];
        for (const entry of entries) if (entry) await walk(entry, out);
        return out;
    }
    return [...(dataTransfer.files || [])];
}

async function walk(entry, out) {
    if (entry.isFile) {
        const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
        if (!entry.name.startsWith('.')) { file.fullPath = entry.fullPath.replace(/^\//, ''); out.push(file); }
    } else if (entry.isDirectory) {
        const reader = entry.createReader();
        for (;;) {
            // readEntries answers at most ~100 entries per call: read until it answers none.
            const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
            if (batch.length === 0) break;
            for (const child of batch) await walk(child, out);
        }
    }
}

function pump(state) {
    while (state.active < state.parallel && queue.length > 0) {
        const key = queue.shift();
        const file = files.get(key);
        if (!file) continue;
        state.active++;
        send(state, key, file).then(keep => { if (!keep) files.delete(key); }).finally(() => { state.active--; xhrs.delete(key); pump(state); });
    }
}

// Resolves true when the file should be kept for a retry (failed for a reason a second try may fix, or cancelled).
function send(state, key, file) {
    return new Promise(resolve => {
        const xhr = new XMLHttpRequest();
        xhrs.set(key, xhr);
        let last = -1;
        xhr.upload.addEventListener('progress', e => {
            if (!e.lengthComputable) return;
            const pct = Math.floor(e.loaded * 20 / e.total) * 5;
            if (pct !== last && pct < 100) { last = pct; state.dotnet.invokeMethodAsync('Progress', key, pct); }
        });
        xhr.addEventListener('load', () => {
            let body = null;
            try { body = JSON.parse(xhr.responseText); } catch { body = null; }
            if (xhr.status >= 200 && xhr.status < 300 && body) {
                appendSession({ imageId: body.imageId, name: file.webkitRelativePath || file.fullPath || file.name, size: file.size, duplicate: !!body.duplicate });
                state.dotnet.invokeMethodAsync('Uploaded', key, body.imageId, !!body.duplicate);
                resolve(false);
            } else {
                const retryable = xhr.status >= 500 || xhr.status === 429 || xhr.status === 408;
                const title = body?.title || `Upload failed (${xhr.status})`;
                state.dotnet.invokeMethodAsync('Rejected', key, title, body?.detail || '', retryable);
                resolve(retryable);
            }
        });
        xhr.addEventListener('error', () => { state.dotnet.invokeMethodAsync('Rejected', key, 'Network error', 'The connection was lost during the upload.', true); resolve(true); });
        xhr.addEventListener('abort', () => { state.dotnet.invokeMethodAsync('Aborted', key); resolve(true); });
        const form = new FormData();
        form.append('file', file, file.name);
        xhr.open('POST', '/api/upload');
        xhr.setRequestHeader('Accept', 'application/json');
        xhr.send(form);
    });
}

// What the server has received in this tab's session: the page asks the server for these images again after a refresh.
const sessionKey = 'imagepipeline.uploads';

function readSession() {
    try { return JSON.parse(sessionStorage.getItem(sessionKey) || '[]'); } catch { return []; }
}

// One page of it: a circuit takes at most 32 KB per message from the browser, so thousands come back in pages.
export function loadSession(start, count) {
    const all = readSession();
    return start === undefined ? all : all.slice(start, start + count);
}

export function saveSession(items) { saved = items; sessionStorage.setItem(sessionKey, JSON.stringify(items)); }

let saved = null;           // this tab's list, kept in memory so appending stays cheap with thousands
function appendSession(item) {
    saved ??= readSession();
    if (!saved.some(i => i.imageId === item.imageId)) { saved.push(item); saveSession(saved); }
}
