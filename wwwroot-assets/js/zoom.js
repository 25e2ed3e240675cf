// Zoom and pan for one photo on a stage (the gallery's viewer and a share link's page): mouse wheel around the cursor,
// pinch (two pointers), double-click/double-tap between fit and a useful zoom, + / - / 0 on the keyboard, drag to pan
// when zoomed, clamped so the photo never leaves the stage. Everything is a CSS transform written once per animation
// frame, with no server round trip. When the photo on screen has more device pixels than its preview, the original
// (img[data-original]) is loaded in the background and swapped in once decoded, at the same size and place.
//
// The stage: a positioned element with overflow hidden holding one img[data-zoom] whose data-width/data-height are the
// original's pixel size. The stage carries data-zoom-scale (for tests and styles) and data-original-shown.

const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
const MIN_SCALE = 1;

export function attach(stage, keyTarget) {
    const pointers = new Map();
    let state = { scale: 1, x: 0, y: 0 };
    let box = null; // the photo's fitted layout box in stage pixels: { left, top, width, height, ow, oh }
    let frame = 0;
    let animate = false;
    let pinch = null;
    let drag = null;
    let lastTap = null;
    let lastPointerType = 'mouse';
    let loading = null;
    let shown = null; // the img element the state belongs to
    let generation = 0;

    const image = () => stage.querySelector('img[data-zoom]');

    // Back to fit, with nothing of the previous photo's gestures or pending original.
    const clear = () => {
        pointers.clear();
        pinch = drag = lastTap = null;
        loading = null;
        generation++;
        state = { scale: 1, x: 0, y: 0 };
        delete stage.dataset.originalShown;
        stage.dataset.zoomScale = '1.000';
        stage.classList.remove('zoomed', 'panning');
    };

    // Another photo on the stage (the viewer renders a new img for each): its own fitted state, before anything else.
    const sync = () => {
        const img = image();
        if (img === shown) return;
        shown = img;
        clear();
        layout();
    };

    // The original's size, upright: the preview's aspect says whether EXIF orientation turned it.
    const originalSize = img => {
        let ow = Number(img.dataset.width) || img.naturalWidth;
        let oh = Number(img.dataset.height) || img.naturalHeight;
        if (img.naturalWidth && img.naturalHeight && (img.naturalWidth >= img.naturalHeight) !== (ow >= oh)) [ow, oh] = [oh, ow];
        return { ow, oh };
    };

    // Fit the original's size into the stage (never larger than its own pixels) and place it centred.
    const layout = () => {
        const img = image();
        // Until the preview has loaded there is nothing to place (and its aspect says how the original is turned).
        if (!img || !img.complete || !img.naturalWidth) { box = null; return; }
        const { ow, oh } = originalSize(img);
        const cw = stage.clientWidth, ch = stage.clientHeight;
        if (!ow || !oh || !cw || !ch) { box = null; return; }
        const fit = Math.min(cw / ow, ch / oh, 1);
        const width = ow * fit, height = oh * fit;
        box = { left: (cw - width) / 2, top: (ch - height) / 2, width, height, ow, oh };
        img.style.position = 'absolute';
        img.style.left = `${box.left}px`;
        img.style.top = `${box.top}px`;
        img.style.width = `${width}px`;
        img.style.height = `${height}px`;
        img.style.maxWidth = 'none';
        img.style.maxHeight = 'none';
        img.style.transformOrigin = '0 0';
        img.draggable = false;
    };

    const dpr = () => window.devicePixelRatio || 1;
    // 100 % of the original's pixels on this screen, as a scale of the fitted box.
    const fullScale = () => box ? box.ow / (box.width * dpr()) : 1;
    const maxScale = () => Math.max(4, fullScale() * 2);

    // Keep the photo on the stage: centred on an axis where it is smaller than the stage, else its edges outside it.
    const clamp = s => {
        if (!box) return s;
        const scale = Math.min(Math.max(s.scale, MIN_SCALE), maxScale());
        const cw = stage.clientWidth, ch = stage.clientHeight;
        const axis = (offset, size, stageSize, start) => {
            const shown = size * scale;
            if (shown <= stageSize) return (stageSize - shown) / 2 - start;
            return Math.min(Math.max(offset, stageSize - shown - start), -start);
        };
        return { scale, x: axis(s.x, box.width, cw, box.left), y: axis(s.y, box.height, ch, box.top) };
    };

    const render = () => {
        frame = 0;
        sync();
        const img = image();
        if (!img || !box) return;
        img.style.transition = animate && !reducedMotion.matches ? 'transform .2s ease-out' : 'none';
        img.style.transform = `translate(${state.x}px, ${state.y}px) scale(${state.scale})`;
        animate = false;
        stage.dataset.zoomScale = state.scale.toFixed(3);
        stage.classList.toggle('zoomed', state.scale > 1.001);
        maybeLoadOriginal(img);
    };

    const schedule = (next, smooth = false) => {
        state = clamp(next);
        animate = animate || smooth;
        if (!frame) frame = requestAnimationFrame(render);
    };

    // Zoom to a scale keeping the photo's point under (px, py) (stage coordinates) where it is.
    const zoomAt = (scale, px, py, smooth = false) => {
        sync();
        if (!box) layout();
        if (!box) return;
        const target = Math.min(Math.max(scale, MIN_SCALE), maxScale());
        const qx = (px - box.left - state.x) / state.scale;
        const qy = (py - box.top - state.y) / state.scale;
        schedule({ scale: target, x: px - box.left - target * qx, y: py - box.top - target * qy }, smooth);
    };

    const centre = () => ({ x: stage.clientWidth / 2, y: stage.clientHeight / 2 });
    const local = e => {
        const r = stage.getBoundingClientRect();
        return { x: e.clientX - r.left, y: e.clientY - r.top };
    };

    const toggle = (px, py) => {
        if (state.scale > 1.001) schedule({ scale: 1, x: 0, y: 0 }, true);
        else zoomAt(Math.max(2, fullScale()), px, py, true);
    };

    function maybeLoadOriginal(img) {
        const url = img.dataset.original;
        if (!url || loading === img || img.dataset.originalShown === 'true' || !box || !img.naturalWidth) return;
        if (img.naturalWidth >= box.ow) return; // the preview already has every pixel
        if (box.width * state.scale * dpr() <= img.naturalWidth + 1) return;
        loading = img;
        const started = generation;
        const probe = new Image();
        probe.decoding = 'async';
        probe.src = url;
        probe.decode().then(() => {
            // Still the photo on screen (not moved on): swap in the decoded original, same box, no jump.
            if (started !== generation || image() !== img || !img.isConnected) return;
            img.src = url;
            img.dataset.originalShown = 'true';
            stage.dataset.originalShown = 'true';
        }).catch(() => { /* not decodable here: stay with the preview */ });
    }

    const onWheel = e => {
        if (!image()) return;
        e.preventDefault();
        const lines = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? stage.clientHeight : 1;
        const p = local(e);
        zoomAt(state.scale * Math.exp(-e.deltaY * lines * 0.002), p.x, p.y);
    };

    const onDown = e => {
        if (!image() || e.button > 0) return;
        sync();
        lastPointerType = e.pointerType;
        pointers.set(e.pointerId, local(e));
        stage.setPointerCapture?.(e.pointerId);
        if (pointers.size === 2) {
            const [a, b] = [...pointers.values()];
            pinch = { distance: Math.hypot(a.x - b.x, a.y - b.y) || 1, scale: state.scale, mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } };
            drag = null;
        } else if (pointers.size === 1) {
            drag = { start: local(e), x: state.x, y: state.y, moved: false };
        }
    };

    const onMove = e => {
        if (!pointers.has(e.pointerId)) return;
        pointers.set(e.pointerId, local(e));
        if (pinch && pointers.size >= 2) {
            const [a, b] = [...pointers.values()];
            const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
            const distance = Math.hypot(a.x - b.x, a.y - b.y) || 1;
            // Zoom around the fingers' midpoint, and follow it as it moves.
            state = { ...state, x: state.x + mid.x - pinch.mid.x, y: state.y + mid.y - pinch.mid.y };
            pinch.mid = mid;
            zoomAt(pinch.scale * distance / pinch.distance, mid.x, mid.y);
        } else if (drag) {
            const p = local(e);
            const dx = p.x - drag.start.x, dy = p.y - drag.start.y;
            if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
            if (state.scale > 1.001) {
                stage.classList.add('panning');
                schedule({ scale: state.scale, x: drag.x + dx, y: drag.y + dy });
            }
        }
    };

    const onUp = e => {
        if (!pointers.has(e.pointerId)) return;
        const p = local(e);
        pointers.delete(e.pointerId);
        stage.classList.remove('panning');
        if (pinch) {
            if (pointers.size < 2) pinch = null;
            if (pointers.size === 1) {
                const [rest] = [...pointers.values()];
                drag = { start: rest, x: state.x, y: state.y, moved: true };
            }
            return;
        }
        const tapped = drag && !drag.moved;
        drag = null;
        // A double tap (touch and pen: dblclick is the mouse's).
        if (tapped && e.pointerType !== 'mouse' && e.type === 'pointerup') {
            const now = performance.now();
            if (lastTap && now - lastTap.time < 300 && Math.hypot(p.x - lastTap.x, p.y - lastTap.y) < 30) {
                lastTap = null;
                toggle(p.x, p.y);
            } else {
                lastTap = { time: now, x: p.x, y: p.y };
            }
        }
    };

    const onDoubleClick = e => {
        if (!image() || lastPointerType !== 'mouse') return;
        e.preventDefault();
        const p = local(e);
        toggle(p.x, p.y);
    };

    const onKey = e => {
        // Only the stage in view (a share page has one per photo, hidden but the one shown).
        if (!image() || e.ctrlKey || e.metaKey || e.altKey || stage.getClientRects().length === 0) return;
        const c = centre();
        if (e.key === '+' || e.key === '=') zoomAt(state.scale * 1.5, c.x, c.y, true);
        else if (e.key === '-' || e.key === '_') zoomAt(state.scale / 1.5, c.x, c.y, true);
        else if (e.key === '0') schedule({ scale: 1, x: 0, y: 0 }, true);
        else return;
        e.preventDefault();
    };

    const onLoad = e => {
        if (e.target?.matches?.('img[data-zoom]')) { sync(); layout(); schedule(state); }
    };

    const resize = new ResizeObserver(() => { sync(); layout(); schedule(state); });
    resize.observe(stage);
    stage.addEventListener('wheel', onWheel, { passive: false });
    stage.addEventListener('pointerdown', onDown);
    stage.addEventListener('pointermove', onMove);
    stage.addEventListener('pointerup', onUp);
    stage.addEventListener('pointercancel', onUp);
    stage.addEventListener('dblclick', onDoubleClick);
    stage.addEventListener('load', onLoad, true);
    keyTarget?.addEventListener('keydown', onKey);

    const handle = {
        // Another photo: back to fit, at once.
        reset() {
            shown = image();
            clear();
            layout();
            animate = false;
            if (frame) cancelAnimationFrame(frame);
            frame = 0;
            render();
        },
        dispose() {
            if (frame) cancelAnimationFrame(frame);
            resize.disconnect();
            stage.removeEventListener('wheel', onWheel);
            stage.removeEventListener('pointerdown', onDown);
            stage.removeEventListener('pointermove', onMove);
            stage.removeEventListener('pointerup', onUp);
            stage.removeEventListener('pointercancel', onUp);
            stage.removeEventListener('dblclick', onDoubleClick);
            stage.removeEventListener('load', onLoad, true);
            keyTarget?.removeEventListener('keydown', onKey);
        },
    };
    handle.reset();
    return handle;
}

export function reset(handle) { handle?.reset(); }

export function dispose(handle) { handle?.dispose(); }
