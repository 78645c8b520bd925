// Row locks for read-modify-write (STYLE.md): `SELECT … FOR UPDATE` on MySQL. SQLite has no
// row locks and Kysely's SQLite dialect does not accept forUpdate(); there one connection runs one
// transaction at a time (better-sqlite3 behind Kysely's connection mutex), so writers are
// serialised anyway.
//
// NOTE (MySQL, REPEATABLE READ): a plain SELECT reads the snapshot taken at the transaction's first
// plain read. Take the locks first, before any plain read, so the sums read afterwards include
// every change committed by the transaction that held the lock before us.
import { type Kysely, MysqlAdapter, type SelectQueryBuilder } from 'kysely'

/** True when `db` (a Kysely or a Transaction) talks to MySQL. */
export function isMysql(db: Kysely<any>): boolean {
	return db.getExecutor().adapter instanceof MysqlAdapter
}

/** `qb` with FOR UPDATE on MySQL; unchanged on SQLite (see above). */
export function lockForUpdate<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, db: Kysely<any>): SelectQueryBuilder<DB, TB, O> {
	return isMysql(db) ? qb.forUpdate() : qb
}
