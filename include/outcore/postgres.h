#pragma once
/// PostgreSQL tables as inputs (a Source) and outputs (a Sink), named by postgresql:// URIs.
///
///   postgresql://[user[:password]@][host][:port][/dbname]?table=NAME[&split_by=COL]
///   postgresql://[user@][host][:port][/dbname]?query=SELECT...
///
/// Other URI parameters (sslmode, connect_timeout, ...) are passed to libpq as they are.
/// Credentials normally come from libpq's environment (PGPASSWORD, ~/.pgpass, PGSERVICE); a
/// password in the URI works in this process only and is never printed or stored.
/// See docs/postgres.md.
#include <memory>
#include <string>

#include "outcore/sink.h"
#include "outcore/source.h"

namespace outcore {

/// True for postgresql:// and postgres:// URIs.
bool IsPostgresUri(const std::string& text);
/// The URI without its password (in the user part or a password= parameter): safe to print.
/// Anything else (a file path) is returned as it is.
std::string RedactPostgresUri(const std::string& uri);

/// Reads tables (split into ctid page ranges or key ranges) and queries (one split) with COPY.
std::unique_ptr<Source> MakePostgresSource(const ReadOptions& read);
/// Writes a run into the table of output.dir (a URI with ?table=), one transaction per split,
/// with a ledger table NAME_outcore_ledger that makes retries and --resume exactly-once.
std::unique_ptr<Sink> MakePostgresSink(const OutputSpec& output);
/// What a resumed run compares to tell whether an input table changed since the interrupted
/// run: {rows, max_xmin} of a ?table= input (one scan of it); null for a ?query= input.
Json PostgresInputSignature(const std::string& input);

}  // namespace outcore
