using OrleansSse.Backplane;

namespace OrleansSse.Connections;

// The targets a stream follows (its client, everyone, its groups) and, for each group, the join
// position of the membership it follows the group for.
internal sealed partial class SseConnection
{
    private SseTarget[] _targets = new SseTarget[2]; // the client and everyone, then its groups
    private int _targetCount;
    private long[]? _joinedAt; // beside _targets, from a stream's first group on: where its membership of each group began

    internal SseTarget[] Targets
    {
        get
        {
            lock (_lock)
            {
                return _targets.AsSpan(0, _targetCount).ToArray();
            }
        }
    }

    // A stream follows a handful of targets: a linear scan of a small array beats a hash set's
    // buckets and entries, which an idle stream would carry for its whole life.
    // For a group, joinedAt is the join position of the membership it is followed for (the later
    // one when the group is followed already: a membership read may be older than a join seen since).
    internal bool AddTarget(SseTarget target, long joinedAt = 0)
    {
        lock (_lock)
        {
            var index = Array.IndexOf(_targets, target, 0, _targetCount);
            var added = index < 0;
            if (added)
            {
                if (_targetCount == _targets.Length)
                {
                    Array.Resize(ref _targets, _targetCount * 2);
                    if (_joinedAt is not null)
                    {
                        Array.Resize(ref _joinedAt, _targets.Length);
                    }
                }

                index = _targetCount++;
                _targets[index] = target;
            }

            if (target.Kind == TargetKind.Group)
            {
                _joinedAt ??= new long[_targets.Length];
                _joinedAt[index] = Math.Max(_joinedAt[index], joinedAt);
            }

            return added;
        }
    }

    /// <summary>The groups followed, each with the join position of the membership it is followed for.</summary>
    internal Dictionary<SseTarget, long> Groups()
    {
        lock (_lock)
        {
            var groups = new Dictionary<SseTarget, long>();
            for (var i = 0; i < _targetCount; i++)
            {
                if (_targets[i].Kind == TargetKind.Group)
                {
                    groups[_targets[i]] = _joinedAt![i];
                }
            }

            return groups;
        }
    }

    internal bool RemoveTarget(SseTarget target)
    {
        lock (_lock)
        {
            var index = Array.IndexOf(_targets, target, 0, _targetCount);
            if (index < 0)
            {
                return false;
            }

            _targets[index] = _targets[--_targetCount];
            _targets[_targetCount] = default;
            if (_joinedAt is not null)
            {
                _joinedAt[index] = _joinedAt[_targetCount];
                _joinedAt[_targetCount] = 0;
            }

            return true;
        }
    }
}
