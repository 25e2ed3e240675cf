namespace ImagePipeline.Web.Components.Gallery;

/// <summary>
/// The gallery's selection: a click toggles one photo and becomes the anchor; a shift-click selects everything between
/// the anchor and the photo (in display order); a day toggles as a whole; Esc clears. Plain C#: tested without a browser.
/// </summary>
public sealed class SelectionModel
{
    private readonly HashSet<Guid> _selected = [];
    private Guid? _anchor;

    public int Count => _selected.Count;

    public bool IsActive => _selected.Count > 0;

    public IReadOnlyCollection<Guid> Ids => _selected;

    public event Action? Changed;

    public bool Contains(Guid id) => _selected.Contains(id);

    /// <summary>A click on a tile's check (or a long-press, or a click while selecting).</summary>
    public void Toggle(Guid id, bool shift, IReadOnlyList<Guid> order)
    {
        if (shift && _anchor is { } anchor && anchor != id)
        {
            var from = IndexOf(order, anchor);
            var to = IndexOf(order, id);
            if (from >= 0 && to >= 0)
            {
                for (var i = Math.Min(from, to); i <= Math.Max(from, to); i++)
                {
                    _selected.Add(order[i]);
                }

                _anchor = id;
                Changed?.Invoke();
                return;
            }
        }

        if (!_selected.Remove(id))
        {
            _selected.Add(id);
        }

        _anchor = id;
        Changed?.Invoke();
    }

    /// <summary>A day heading: selects the whole day, or clears it when it is all selected already.</summary>
    public void ToggleDay(IReadOnlyList<Guid> day)
    {
        if (day.Count == 0)
        {
            return;
        }

        if (AllSelected(day))
        {
            _selected.ExceptWith(day);
        }
        else
        {
            _selected.UnionWith(day);
        }

        Changed?.Invoke();
    }

    public bool AllSelected(IReadOnlyList<Guid> ids) => ids.Count > 0 && ids.All(_selected.Contains);

    public void Clear()
    {
        if (_selected.Count == 0 && _anchor is null)
        {
            return;
        }

        _selected.Clear();
        _anchor = null;
        Changed?.Invoke();
    }

    /// <summary>After a reload: forgets photos that are gone.</summary>
    public void Retain(IEnumerable<Guid> present)
    {
        var keep = present.ToHashSet();
        if (_selected.RemoveWhere(id => !keep.Contains(id)) > 0)
        {
            Changed?.Invoke();
        }

        if (_anchor is { } a && !keep.Contains(a))
        {
            _anchor = null;
        }
    }

    private static int IndexOf(IReadOnlyList<Guid> order, Guid id)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (order[i] == id)
            {
                return i;
            }
        }

        return -1;
    }
}
