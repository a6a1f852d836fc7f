namespace OrleansSse.Backplane;

/// <summary>What a <see cref="BackplaneMessage"/> carries.</summary>
public enum MessageKind : byte
{
    /// <summary>An event for the target's connections. It is in the target's history.</summary>
    Event = 0,

    /// <summary>Control, on a client target: the client joined the group named in <see cref="BackplaneMessage.Name"/>.</summary>
    GroupJoined = 1,

    /// <summary>Control, on a client target: the client left the group named in <see cref="BackplaneMessage.Name"/>.</summary>
    GroupLeft = 2,

    /// <summary>Control, on a client target: end every connection of the client.</summary>
    Disconnect = 3,

    /// <summary>
    /// Control, on the everyone target: a position taken for no event (<see cref="ISseBackplane.PublishWatermarkAsync"/>).
    /// Subscriptions deliver in position order, so when it arrives every earlier message to the
    /// instance's subscriptions has arrived: a stream that is neither catching up nor joining may take
    /// its position as its id. It is in no history.
    /// </summary>
    Watermark = 4,
}
