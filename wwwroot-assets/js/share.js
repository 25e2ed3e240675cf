// A share link's page: zoom and pan in its CSS (:target) viewer, ←/→ to the previous/next photo, Esc closes.
// Without this script the page still works; it reads nothing but the page itself.
import { attach } from './zoom.js';

const handles = new Map();

function current() {
    const id = decodeURIComponent(location.hash.slice(1));
    const section = id ? document.getElementById(id) : null;
    return section?.classList.contains('share-lightbox') ? section : null;
}

function show() {
    for (const [, handle] of handles) handle.reset();
    const section = current();
    const stage = section?.querySelector('.zoom-stage');
    if (!stage) return;
    if (!handles.has(stage)) handles.set(stage, attach(stage, document));
    else handles.get(stage).reset();
}

document.addEventListener('keydown', e => {
    const section = current();
    if (!section || e.ctrlKey || e.metaKey || e.altKey) return;
    const link = e.key === 'ArrowLeft' ? section.querySelector('a[aria-label="Previous photo"]')
        : e.key === 'ArrowRight' ? section.querySelector('a[aria-label="Next photo"]')
        : e.key === 'Escape' ? section.querySelector('a[aria-label="Close"]') : null;
    if (link) { e.preventDefault(); link.click(); }
});

window.addEventListener('hashchange', show);
show();
