namespace World;

/// <summary>The order of a listing.</summary>
public enum SortOrder
{
    /// <summary>Oldest first.</summary>
    Ascending,

    /// <summary>Newest first.</summary>
    Descending,
}
