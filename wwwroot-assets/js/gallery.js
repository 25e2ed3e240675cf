// Gallery: call LoadMore when the sentinel scrolls into view.
export function observe(sentinel, dotnet) {
    const observer = new IntersectionObserver(entries => {
        if (entries.some(e => e.isIntersecting)) dotnet.invokeMethodAsync('LoadMore');
    }, { rootMargin: '600px' });
    observer.observe(sentinel);
    return { dispose: () => observer.disconnect() };
}

export function dispose(handle) { handle?.dispose(); }

