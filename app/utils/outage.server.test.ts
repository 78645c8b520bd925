import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { createPool } from 'mysql2'
import { afterAll, describe, expect, it } from 'vitest'
import { data } from '@remix-run/node'
import { createDb } from './db.server.ts'
import { AppError } from './errors.ts'
import { RETRY_AFTER_SECONDS, isServiceOutage, outageResponse, outageSummary } from './outage.server.ts'

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer()
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo
			srv.close(() => resolve(port))
		})
		srv.on('error', reject)
	})
}

async function caught(run: () => unknown): Promise<unknown> {
	try {
		await run()
	} catch (error) {
		return error
	}
	throw new Error('expected an error')
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-outage-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('isServiceOutage: errors that become 503', () => {
	it('a MySQL server that refuses connections (real mysql2 pool through Kysely)', async () => {
		const handle = createDb(`mysql://root@127.0.0.1:${await closedPort()}/bangfu_nowhere`, { poolSize: 1 })
		try {
			const error = await caught(() => sql`select 1`.execute(handle.db))
			expect((error as { code?: string }).code).toBe('ECONNREFUSED')
			expect(isServiceOutage(error)).toBe(true)
			expect(outageSummary(error)).toBe('ECONNREFUSED')
		} finally {
			await handle.destroy()
		}
	})

	it('a closed mysql2 pool', async () => {
		const pool = createPool({ uri: `mysql://root@127.0.0.1:${await closedPort()}/x` })
		await new Promise<void>((resolve) => pool.end(() => resolve()))
		const error = await caught(() => new Promise((resolve, reject) => pool.query('select 1', (e, r) => (e ? reject(e) : resolve(r)))))
		expect((error as Error).message).toMatch(/Pool is closed/)
		expect(isServiceOutage(error)).toBe(true)
	})

	it('mysql2 errors of a server going away or shutting down', () => {
		const mysqlError = (code: string, errno: number, fatal = false) => Object.assign(new Error(code), { code, errno, fatal, sqlState: 'HY000' })
		for (const error of [
			mysqlError('PROTOCOL_CONNECTION_LOST', 0, true),
			mysqlError('ER_SERVER_SHUTDOWN', 1053),
			mysqlError('ER_CONNECTION_KILLED', 1927),
			mysqlError('ER_CON_COUNT_ERROR', 1040),
			mysqlError('ETIMEDOUT', 0, true),
			mysqlError('ECONNRESET', 0, true),
			// Any error mysql2 marks fatal ends the connection.
			mysqlError('SOMETHING_NEW', 0, true),
			Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true }),
		]) {
			expect(isServiceOutage(error), (error as Error).message).toBe(true)
		}
	})

	it('an outage wrapped as a cause or in an AggregateError', () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' })
		expect(isServiceOutage(new Error('loading failed', { cause: refused }))).toBe(true)
		expect(isServiceOutage(new AggregateError([new Error('x'), refused]))).toBe(true)
	})

	it('SQLite: a database locked past busy_timeout (real better-sqlite3)', () => {
		const file = path.join(tmp, 'busy.db')
		const a = new SQLite(file)
		const b = new SQLite(file)
		try {
			a.exec('create table t (x integer)')
			b.pragma('busy_timeout = 0')
			a.exec('begin exclusive')
			const error = (() => {
				try {
					b.prepare('select * from t').all()
				} catch (e) {
					return e
				}
			})()
			expect((error as { code?: string }).code).toMatch(/^SQLITE_BUSY/)
			expect(isServiceOutage(error)).toBe(true)
			a.exec('rollback')
		} finally {
			a.close()
			b.close()
		}
	})

	it('SQLite: a database file that cannot be opened (real better-sqlite3)', () => {
		const notADir = path.join(tmp, 'file')
		fs.writeFileSync(notADir, 'x')
		const error = (() => {
			try {
				new SQLite(path.join(notADir, 'bangfu.db'))
			} catch (e) {
				return e
			}
		})()
		expect((error as { code?: string }).code).toBe('SQLITE_CANTOPEN')
		expect(isServiceOutage(error)).toBe(true)
	})
})

describe('isServiceOutage: errors that stay what they are', () => {
	it('domain errors of every code (their own 4xx)', () => {
		for (const error of [AppError.invalid({ title: 'validation.required' }), AppError.forbidden(), AppError.notFound(), AppError.conflict('errors.conflict'), new AppError('throttled', 'errors.throttled')]) {
			expect(isServiceOutage(error), error.code).toBe(false)
		}
	})

	it('query errors: a bad statement or a broken constraint is a bug or a conflict, not an outage', () => {
		const db = new SQLite(':memory:')
		try {
			db.exec('create table t (x integer primary key)')
			db.exec('insert into t values (1)')
			const duplicate = (() => {
				try {
					db.exec('insert into t values (1)')
				} catch (e) {
					return e
				}
			})()
			const syntax = (() => {
				try {
					db.exec('selec 1')
				} catch (e) {
					return e
				}
			})()
			expect((duplicate as { code?: string }).code).toMatch(/^SQLITE_CONSTRAINT/)
			expect(isServiceOutage(duplicate)).toBe(false)
			expect(isServiceOutage(syntax)).toBe(false)
		} finally {
			db.close()
		}
		const mysqlDup = Object.assign(new Error("Duplicate entry '1' for key 'PRIMARY'"), { code: 'ER_DUP_ENTRY', errno: 1062, fatal: false })
		const deadlock = Object.assign(new Error('Deadlock found'), { code: 'ER_LOCK_DEADLOCK', errno: 1213 })
		expect(isServiceOutage(mysqlDup)).toBe(false)
		expect(isServiceOutage(deadlock)).toBe(false)
	})

	it('plain errors, file system errors, thrown responses and non-errors', () => {
		expect(isServiceOutage(new Error('boom'))).toBe(false)
		expect(isServiceOutage(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false)
		expect(isServiceOutage(Object.assign(new Error('ENOTDIR: not a directory'), { code: 'ENOTDIR' }))).toBe(false)
		expect(isServiceOutage(Object.assign(new Error('EACCES'), { code: 'EACCES' }))).toBe(false)
		expect(isServiceOutage(data({ message: 'errors.not_found' }, { status: 404 }))).toBe(false)
		expect(isServiceOutage(new Response('x', { status: 500 }))).toBe(false)
		for (const value of [undefined, null, 'ECONNREFUSED', 42, {}]) expect(isServiceOutage(value)).toBe(false)
	})

	it('does not loop on a cyclic cause', () => {
		const a = new Error('a') as Error & { cause?: unknown }
		const b = new Error('b', { cause: a })
		a.cause = b
		expect(isServiceOutage(a)).toBe(false)
	})
})

describe('outageResponse', () => {
	it('is a 503 with Retry-After, no caching, and the friendly page in both languages', async () => {
		const res = outageResponse()
		expect(res.status).toBe(503)
		expect(res.headers.get('Retry-After')).toBe(String(RETRY_AFTER_SECONDS))
		expect(res.headers.get('Cache-Control')).toBe('no-store')
		expect(res.headers.get('Content-Type')).toMatch(/^text\/html/)
		const html = await res.text()
		expect(html).toContain('服务暂时不可用')
		expect(html).toContain('Service temporarily unavailable')
		expect(html).not.toMatch(/<script/i)
	})
})
