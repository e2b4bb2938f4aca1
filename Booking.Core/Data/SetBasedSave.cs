using System.Data.Common;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Booking.Core.Data;

/// <summary>
/// Saves a context's tracked inserts and updates on PostgreSQL with one statement for all of them, instead of one
/// statement per row: the rows of each table go to the server as one JSON array, and each table's insert or update
/// is one part of a single statement. On any other database (SQLite, standalone) it is <c>SaveChangesAsync</c>.
/// </summary>
/// <remarks>
/// <para>
/// Made for the worker's batches, which insert up to hundreds of bookings and update about twice as many seats in
/// one transaction. As one statement per row, the worker spent a quarter of its CPU in many-sales building and
/// sending them. Set-based, its CPU per hold fell by a third and it kept up with the ingress, while PostgreSQL's rose
/// by about two thirds as much (it decodes the JSON; typed arrays would cost it less, but cannot carry a row's array
/// column): see BENCHMARKS.md.
/// </para>
/// <para>
/// What a save guarantees is <c>SaveChangesAsync</c>'s: all or nothing in one transaction (the current one, or its
/// own), and an update applies only where every concurrency token still has the value read; otherwise nothing is
/// saved and a <see cref="DbUpdateConcurrencyException"/> is thrown. A database error comes as a
/// <see cref="DbUpdateException"/> around the <see cref="DbException"/>, as from <c>SaveChangesAsync</c>.
/// An update writes every column that is modified in any of the table's rows (the concurrency tokens make sure that
/// the others still hold what was read). Deletes are not supported. <c>SaveChanges</c> interceptors do not run;
/// command interceptors do.
/// </para>
/// </remarks>
public static class SetBasedSave
{
    /// <summary>The key under which a row's JSON carries its concurrency tokens' original values.</summary>
    private const string OriginalKey = "$original";

    /// <summary>Saves the tracked changes of <paramref name="db"/>, set-based on PostgreSQL; returns the rows written.</summary>
    public static async Task<int> SaveChangesSetBasedAsync(this DbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return await db.SaveChangesAsync(cancellationToken);
        }

        // Entries() detects the changes first.
        var entries = db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList();
        if (entries.Any(e => e.State is not (EntityState.Added or EntityState.Modified)))
        {
            throw new NotSupportedException("A set-based save writes inserts and updates only.");
        }

        if (entries.Count == 0)
        {
            return 0;
        }

        var tables = entries.GroupBy(e => (e.Metadata, e.State)).Select(g => (Type: g.Key.Metadata, g.Key.State, Rows: g.ToList())).ToList();
        var parameters = new List<NpgsqlParameter>();
        var parts = new List<string>();
        foreach (var (type, state, rows) in tables)
        {
            var parameter = new NpgsqlParameter($"rows{parameters.Count}", NpgsqlDbType.Jsonb) { Value = Json(rows) };
            parameters.Add(parameter);
            parts.Add(state == EntityState.Added ? Insert(type, parameter.ParameterName) : Update(type, rows, parameter.ParameterName));
        }

        var sql = new StringBuilder("WITH ");
        sql.AppendJoin(",\n", parts.Select((part, i) => $"written{i} AS ({part} RETURNING 1)"));
        sql.Append("\nSELECT written AS \"Value\" FROM (VALUES ");
        sql.AppendJoin(", ", parts.Select((_, i) => $"({i}, (SELECT count(*) FROM written{i}))"));
        sql.Append(") AS counts(part, written) ORDER BY part");

        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        List<long> written;
        try
        {
            written = await db.Database.SqlQueryRaw<long>(sql.ToString(), [.. parameters]).ToListAsync(cancellationToken);
        }
        catch (DbException ex)
        {
            throw new DbUpdateException($"A set-based save failed: {ex.Message}", ex);
        }

        for (var i = 0; i < tables.Count; i++)
        {
            if (written[i] != tables[i].Rows.Count)
            {
                throw new DbUpdateConcurrencyException(
                    $"{tables[i].Type.GetTableName()}: {written[i]} of {tables[i].Rows.Count} rows written; another writer changed the others.");
            }
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        db.ChangeTracker.AcceptAllChanges();
        return entries.Count;
    }

    private static string Insert(IEntityType type, string rows)
    {
        var columns = string.Join(", ", type.GetProperties().Select(p => Quote(p.GetColumnName())));
        return $"INSERT INTO {Table(type)} ({columns}) SELECT {columns} FROM jsonb_populate_recordset(NULL::{Table(type)}, @{rows})";
    }

    private static string Update(IEntityType type, IReadOnlyList<EntityEntry> entries, string rows)
    {
        var keys = type.FindPrimaryKey()!.Properties;
        var modified = type.GetProperties()
            .Where(p => !p.IsPrimaryKey() && entries.Any(e => e.Property(p.Name).IsModified))
            .Select(p => $"{Quote(p.GetColumnName())} = changed.{Quote(p.GetColumnName())}");
        var matches = keys.Select(p => $"t.{Quote(p.GetColumnName())} = changed.{Quote(p.GetColumnName())}")
            .Concat(Tokens(type).Select(p => $"t.{Quote(p.GetColumnName())} = original.{Quote(p.GetColumnName())}"));
        return $"UPDATE {Table(type)} AS t SET {string.Join(", ", modified)} " +
               $"FROM jsonb_array_elements(@{rows}) AS item, " +
               $"jsonb_populate_record(NULL::{Table(type)}, item) AS changed, " +
               $"jsonb_populate_record(NULL::{Table(type)}, item -> '{OriginalKey}') AS original " +
               $"WHERE {string.Join(" AND ", matches)}";
    }

    /// <summary>
    /// The rows as a JSON array of objects keyed by column name, with values as the database stores them (after
    /// value converters); a modified row also carries its concurrency tokens' original values.
    /// </summary>
    private static string Json(IReadOnlyList<EntityEntry> entries)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var entry in entries)
            {
                json.WriteStartObject();
                foreach (var property in entry.Properties)
                {
                    WriteColumn(json, property.Metadata, property.CurrentValue);
                }

                if (entry.State == EntityState.Modified)
                {
                    json.WriteStartObject(OriginalKey);
                    foreach (var token in Tokens(entry.Metadata))
                    {
                        WriteColumn(json, token, entry.Property(token.Name).OriginalValue);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteColumn(Utf8JsonWriter json, IProperty property, object? value)
    {
        json.WritePropertyName(property.GetColumnName());
        var stored = value is null ? null : property.GetTypeMapping().Converter?.ConvertToProvider(value) ?? value;
        if (stored is DateTime { Kind: not DateTimeKind.Utc })
        {
            // Without an offset PostgreSQL would read it in the server's time zone; Npgsql refuses these too.
            throw new InvalidOperationException($"{property.DeclaringType.DisplayName()}.{property.Name} is not a UTC DateTime.");
        }

        JsonSerializer.Serialize(json, stored);
    }

    private static IEnumerable<IProperty> Tokens(IEntityType type) => type.GetProperties().Where(p => p.IsConcurrencyToken);

    private static string Table(IEntityType type) =>
        type.GetSchema() is { } schema ? $"{Quote(schema)}.{Quote(type.GetTableName()!)}" : Quote(type.GetTableName()!);

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"")}\"";
}
