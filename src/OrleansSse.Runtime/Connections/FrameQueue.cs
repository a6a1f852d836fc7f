namespace OrleansSse.Connections;

/// <summary>
/// A connection's queue of unwritten frames: first in, first out, holding at most one frame per
/// coalesce key. <see cref="Enqueue(ReadOnlyMemory{byte}, string)"/> with a key already queued
/// marks the older frame superseded (it is skipped, never written) and appends the newer one, so
/// what is written keeps the order of arrival. <see cref="Count"/> counts only frames that will be
/// written. Unkeyed frames never touch the key index, which is created by the first keyed frame.
/// Superseded slots are compacted away once they outnumber the live ones, so a queue fed one key
/// forever stays small. Not thread-safe: the connection locks.
/// </summary>
internal sealed class FrameQueue
{
    private const int MinimumCapacity = 4;

    // An idle stream's queues keep their arrays: start small (a heartbeat, or an event or two).
    private const int InitialCapacity = 2;

    // Marks a superseded slot (compared by reference, never a real key).
    private static readonly string SupersededMark = new('\0', 1);

    private Slot[] _slots = [];
    private int _head;
    private int _size;
    private int _superseded;
    private long _removed; // slots ever taken from the front: a slot's stable number is _removed + its offset
    private Dictionary<string, long>? _keyed;

    /// <summary>Frames that will be written (superseded ones excluded).</summary>
    public int Count => _size - _superseded;

    /// <summary>Appends an unkeyed frame.</summary>
    public void Enqueue(ReadOnlyMemory<byte> bytes) => Append(new Slot(bytes, null));

    /// <summary>
    /// Appends a frame with a coalesce key (null: none). Returns true when it superseded an older
    /// unwritten frame with the same key (<see cref="Count"/> is then unchanged).
    /// </summary>
    public bool Enqueue(ReadOnlyMemory<byte> bytes, string? key)
    {
        if (key is null)
        {
            Append(new Slot(bytes, null));
            return false;
        }

        _keyed ??= new Dictionary<string, long>(StringComparer.Ordinal);
        var superseded = _keyed.TryGetValue(key, out var number);
        if (superseded)
        {
            _slots[Index((int)(number - _removed))] = new Slot(default, SupersededMark);
            _superseded++;
            if (_superseded > MinimumCapacity && _superseded > Count)
            {
                Resize(Math.Max(MinimumCapacity, Count * 2));
            }
        }

        Append(new Slot(bytes, key));
        _keyed[key] = _removed + _size - 1;
        return superseded;
    }

    /// <summary>Whether an unwritten frame with this key is queued.</summary>
    public bool ContainsKey(string key) => _keyed is { Count: > 0 } keyed && keyed.ContainsKey(key);

    /// <summary>Takes the oldest frame that is not superseded.</summary>
    public bool TryDequeue(out ReadOnlyMemory<byte> bytes)
    {
        while (_size > 0)
        {
            var slot = _slots[_head];
            _slots[_head] = default;
            if (++_head == _slots.Length)
            {
                _head = 0;
            }

            _size--;
            _removed++;
            if (slot.Key is not null)
            {
                if (ReferenceEquals(slot.Key, SupersededMark))
                {
                    _superseded--;
                    continue;
                }

                _keyed!.Remove(slot.Key);
            }

            bytes = slot.Bytes;
            return true;
        }

        bytes = default;
        return false;
    }

    /// <summary>Removes every frame.</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        _removed += _size;
        _head = 0;
        _size = 0;
        _superseded = 0;
        _keyed?.Clear();
    }

    /// <summary>The frames that will be written, oldest first.</summary>
    public ReadOnlyMemory<byte>[] ToArray()
    {
        var result = new ReadOnlyMemory<byte>[Count];
        var n = 0;
        for (var i = 0; i < _size; i++)
        {
            var slot = _slots[Index(i)];
            if (!ReferenceEquals(slot.Key, SupersededMark))
            {
                result[n++] = slot.Bytes;
            }
        }

        return result;
    }

    private int Index(int offset)
    {
        var index = _head + offset;
        return index >= _slots.Length ? index - _slots.Length : index;
    }

    private void Append(Slot slot)
    {
        if (_size == _slots.Length)
        {
            Resize(Math.Max(InitialCapacity, _slots.Length * 2));
        }

        _slots[Index(_size)] = slot;
        _size++;
    }

    // Copies the live slots to a new array from its start, dropping superseded ones and
    // renumbering the keyed ones.
    private void Resize(int capacity)
    {
        var slots = new Slot[Math.Max(capacity, Count)];
        var n = 0;
        for (var i = 0; i < _size; i++)
        {
            var slot = _slots[Index(i)];
            if (ReferenceEquals(slot.Key, SupersededMark))
            {
                continue;
            }

            if (slot.Key is not null)
            {
                _keyed![slot.Key] = _removed + n;
            }

            slots[n++] = slot;
        }

        _slots = slots;
        _head = 0;
        _size = n;
        _superseded = 0;
    }

    private readonly record struct Slot(ReadOnlyMemory<byte> Bytes, string? Key);
}
