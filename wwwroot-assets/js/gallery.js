// Gallery: tells the circuit where the timeline is in view (throttled to one call per frame), jumps for the scrubber,
// Esc clears the selection, a long-press on a tile (touch) selects it, and downloads a selection.
export function observe(sentinel, dotnet) {
    const observer = new IntersectionObserver(entries => {
        if (entries.some(e => e.isIntersecting)) dotnet.invokeMethodAsync('LoadMore');
    }, { rootMargin: '600px' });
    observer.observe(sentinel);
    return { dispose: () => observer.disconnect() };
}

export function dispose(handle) { handle?.dispose(); }

export function timeline(element, dotnet) {
    let last = { top: NaN, height: 0, width: 0 };
    let pending = false;
    const report = () => {
        pending = false;
        const rect = element.getBoundingClientRect();
        const now = { top: Math.max(0, -rect.top), height: window.innerHeight, width: element.clientWidth };
        if (Math.abs(now.top - last.top) < 80 && now.height === last.height && now.width === last.width) return;
        last = now;
        dotnet.invokeMethodAsync('OnViewport', now.top, now.height, now.width);
    };
    const schedule = () => { if (!pending) { pending = true; requestAnimationFrame(report); } };
    const onKey = e => {
        if (e.key === 'Escape' && !document.querySelector('[data-testid="viewer"]')) dotnet.invokeMethodAsync('ClearSelection');
    };
    let timer = 0;
    const onDown = e => {
        if (e.pointerType !== 'touch') return;
        const tile = e.target.closest('[data-image-id]');
        if (!tile) return;
        timer = setTimeout(() => { timer = 0; navigator.vibrate?.(20); dotnet.invokeMethodAsync('LongPress', tile.dataset.imageId); }, 500);
    };
    const cancel = () => { if (timer) { clearTimeout(timer); timer = 0; } };
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    document.addEventListener('keydown', onKey);
    element.addEventListener('pointerdown', onDown);
    element.addEventListener('pointerup', cancel);
    element.addEventListener('pointermove', cancel);
    element.addEventListener('pointercancel', cancel);
    element.addEventListener('contextmenu', e => { if (e.pointerType === 'touch' || matchMedia('(pointer: coarse)').matches) e.preventDefault(); });
    schedule();
    return {
        refresh: () => { last = { top: NaN, height: 0, width: 0 }; schedule(); },
        dispose: () => {
            window.removeEventListener('scroll', schedule);
            window.removeEventListener('resize', schedule);
            document.removeEventListener('keydown', onKey);
        },
    };
}

export function refresh(handle) { handle?.refresh(); }

export function scrollTimeline(element, offset) {
    const top = element.getBoundingClientRect().top + window.scrollY + offset - 72;
    window.scrollTo({ top: Math.max(0, top), behavior: 'instant' });
}

// One photo or a short selection: a plain GET (the browser streams it to disk). A long one: POST, then save the blob.
export async function download(ids) {
    const query = ids.join(',');
    if (query.length < 6000) {
        const a = document.createElement('a');
        a.href = `/api/images/download?ids=${query}`;
        a.download = '';
        document.body.appendChild(a);
        a.click();
        a.remove();
        return;
    }
    const response = await fetch('/api/images/download', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ids }), credentials: 'same-origin',
    });
    if (!response.ok) throw new Error(`download failed: ${response.status}`);
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `photos-${ids.length}.zip`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
}
