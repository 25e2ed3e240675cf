// Upload drop zone: collects files (drop incl. folders, click to choose, paste), asks the component which to accept,
// then POSTs each to /api/upload with XMLHttpRequest (progress events), at most `parallel` at a time.
const files = new Map();   // key -> File
const xhrs = new Map();    // key -> XMLHttpRequest in flight
const queue = [];          // keys waiting
let seq = 0;

export function init(zone, input, dotnet, parallel) {
    const state = { zone, input, dotnet, parallel: parallel || 3, active: 0 };
    const add = async list => {
        const described = [];
        for (const file of list) {
            const key = `f${Date.now().toString(36)}-${seq++}`;
            files.set(key, file);
            described.push({ key, name: file.webkitRelativePath || file.name, size: file.size, type: file.type || '', head: await head(file) });
        }
        if (described.length === 0) return;
        const accepted = await dotnet.invokeMethodAsync('FilesAdded', described);
        for (const d of described) {
            if (accepted.includes(d.key)) queue.push(d.key); else files.delete(d.key);
        }
        pump(state);
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
    input.addEventListener('change', async () => { const list = [...input.files]; input.value = ''; await add(list); });
    state.onPaste = async e => {
        const pasted = [...(e.clipboardData?.files || [])];
        if (pasted.length) { e.preventDefault(); await add(pasted); }
    };
    document.addEventListener('paste', state.onPaste);
    return { dispose: () => document.removeEventListener('paste', state.onPaste), cancel: key => cancel(state, key) };
}

export function dispose(handle) { handle?.dispose(); }

export function cancelUpload(handle, key) { handle?.cancel(key); }

function cancel(state, key) {
    const i = queue.indexOf(key);
    if (i >= 0) queue.splice(i, 1);
    const xhr = xhrs.get(key);
    if (xhr) xhr.abort(); else { files.delete(key); state.dotnet.invokeMethodAsync('Aborted', key); }
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
        out.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
    } else if (entry.isDirectory) {
        const reader = entry.createReader();
        for (;;) {
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
        send(state, key, file).finally(() => { state.active--; files.delete(key); xhrs.delete(key); pump(state); });
    }
}

function send(state, key, file) {
    return new Promise(resolve => {
        const xhr = new XMLHttpRequest();
        xhrs.set(key, xhr);
        let last = -1;
        xhr.upload.addEventListener('progress', e => {
            if (!e.lengthComputable) return;
            const pct = Math.floor(e.loaded * 100 / e.total);
            if (pct !== last) { last = pct; state.dotnet.invokeMethodAsync('Progress', key, pct); }
        });
        xhr.addEventListener('load', () => {
            let body = null;
            try { body = JSON.parse(xhr.responseText); } catch { body = null; }
            if (xhr.status >= 200 && xhr.status < 300 && body) {
                state.dotnet.invokeMethodAsync('Uploaded', key, body.imageId, !!body.duplicate);
            } else {
                const title = body?.title || `Upload failed (${xhr.status})`;
                state.dotnet.invokeMethodAsync('Rejected', key, title, body?.detail || '');
            }
            resolve();
        });
        xhr.addEventListener('error', () => { state.dotnet.invokeMethodAsync('Rejected', key, 'Network error', 'The connection was lost during the upload.'); resolve(); });
        xhr.addEventListener('abort', () => { state.dotnet.invokeMethodAsync('Aborted', key); resolve(); });
        const form = new FormData();
        form.append('file', file, file.name);
        xhr.open('POST', '/api/upload');
        xhr.setRequestHeader('Accept', 'application/json');
        xhr.send(form);
    });
}

const sessionKey = 'imagepipeline.uploads';

export function loadSession() {
    try { return JSON.parse(sessionStorage.getItem(sessionKey) || '[]'); } catch { return []; }
}

export function saveSession(items) { sessionStorage.setItem(sessionKey, JSON.stringify(items)); }

