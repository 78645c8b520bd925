// Files attached to records: need photos (owner_type 'need') and evidence of delivery on commitment
// progress updates (owner_type 'commitment_update': photos or PDF documents). Bytes live under
// UPLOAD_DIR with a random storage key; the `upload` row says what they are. What a file is comes
// from its bytes (app/utils/file-type.ts), never from its name or declared type.
//
// Who may fetch a file: a need photo, whoever may see the need; evidence, whoever may see the
// commitment (members of the provider and village orgs, officials covering the village). Evidence
// stays non-public even once verified: it may show people, homes and bank slips.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Kysely, Transaction } from 'kysely'
import type { DB, Upload } from '#db/schema.ts'
import { enqueueSearch } from '#app/search/outbox.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { AppError, msg } from '#app/utils/errors.ts'
import { type EvidenceType, sniffEvidenceType, sniffImageType } from '#app/utils/file-type.ts'
import { newId } from '#app/utils/id.ts'
import { commitmentVisibleScope } from './commitment/authorize-commitment.server.ts'
import { recordEvent } from './event.server.ts'
import { ANY_MEMBER, PHOTO_STATUSES, assertPermitted, villageScope, visibleScope } from './need/authorize-need.server.ts'
import { MAX_NEED_PHOTOS } from './need.schema.ts'
import type { Actor } from './policy.server.ts'

export const MAX_UPLOAD_MB = 5
export const MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
export const MAX_EVIDENCE_MB = 10
export const MAX_EVIDENCE_BYTES = MAX_EVIDENCE_MB * 1024 * 1024
export const MAX_EVIDENCE_FILES = 10
/** `ab/ab…(32 hex).ext`: nothing from the user ever reaches a path. */
const STORAGE_KEY_PATTERN = /^[0-9a-f]{2}\/[0-9a-f]{32}\.(jpg|png|webp|pdf)$/

export type UploadFile = { bytes: Uint8Array; originalName: string }
export type UploadOptions = {
	/** Defaults to getEnv().uploadDir (UPLOAD_DIR). */
	dir?: string
	now?: number
}

function uploadDir(options: UploadOptions): string {
	return path.resolve(options.dir ?? getEnv().uploadDir)
}

function uploadFailed(cause: unknown, field = 'photos'): AppError {
	// NOTE: a server-side failure (disk full, directory not writable), reported on the form's
	// file field so the user sees it in place; `cause` keeps the system error for the logs.
	const error = new AppError('invalid', 'errors.upload_failed', { [field]: 'errors.upload_failed' })
	error.cause = cause
	return error
}

/** The file's own name, for display only: no directories, no control characters, ≤ 255 characters. */
function displayName(name: string, fallback = 'photo'): string {
	const base = String(name ?? '').split(/[\\/]/).pop() ?? ''
	const clean = Array.from(base.replace(/[\u0000-\u001f\u007f]/g, '').trim()).slice(0, 255).join('')
	return clean || fallback
}

/** Writes to a temporary name in the target directory, then renames, so a reader never sees half a file. */
async function storeBytes(dir: string, storageKey: string, bytes: Uint8Array, field = 'photos'): Promise<void> {
	const finalPath = path.join(dir, storageKey)
	const tmpPath = path.join(path.dirname(finalPath), `.tmp-${randomBytes(8).toString('hex')}`)
	try {
		await fs.mkdir(path.dirname(finalPath), { recursive: true })
		await fs.writeFile(tmpPath, bytes, { flag: 'wx' })
		await fs.rename(tmpPath, finalPath)
	} catch (error) {
		await fs.rm(tmpPath, { force: true }).catch(() => {})
		throw uploadFailed(error, field)
	}
}

function pathOf(dir: string, storageKey: string): string {
	if (!STORAGE_KEY_PATTERN.test(storageKey)) throw new Error(`unexpected storage key: ${storageKey}`)
	return path.join(dir, storageKey)
}

/**
 * Adds a photo to a need: any member of its verified village org, while the need is a draft,
 * returned, submitted or published; at most MAX_NEED_PHOTOS. The file is written first, the row
 * inserted in the same transaction as a touch of the need (which checks permission and
 * serialises concurrent uploads to the same need); if the transaction fails the file is removed.
 */
export async function addNeedPhoto(db: Kysely<DB>, needId: string, file: UploadFile, actor: Actor, options: UploadOptions = {}) {
	const now = options.now ?? Date.now()
	const bytes = file.bytes
	if (bytes.byteLength > MAX_UPLOAD_BYTES) throw AppError.invalid({ photos: msg('errors.upload_too_large', { maxMb: MAX_UPLOAD_MB }) })
	const type = sniffImageType(bytes)
	if (!type) throw AppError.invalid({ photos: 'errors.upload_not_image' })

	const dir = uploadDir(options)
	const hex = randomBytes(16).toString('hex')
	const storageKey = `${hex.slice(0, 2)}/${hex}.${type.extension}`
	let written = false
	try {
		return await db.transaction().execute(async (trx) => {
			const need = await trx.selectFrom('need').select(['id', 'status', 'villageOrgId', 'villageCode']).where('id', '=', needId).executeTakeFirst()
			if (!need) throw AppError.notFound()
			const touched = await trx
				.updateTable('need')
				.set({ updatedAt: now })
				.where('id', '=', needId)
				.where('status', 'in', [...PHOTO_STATUSES])
				.where(villageScope(actor, ANY_MEMBER))
				.executeTakeFirst()
			if (Number(touched.numUpdatedRows) === 0) {
				await assertPermitted(trx, need, actor, 'village', ANY_MEMBER)
				throw AppError.conflict('errors.need_photos_locked')
			}
			const count = await trx
				.selectFrom('upload')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.where('ownerType', '=', 'need')
				.where('ownerId', '=', needId)
				.executeTakeFirstOrThrow()
			if (Number(count.n) >= MAX_NEED_PHOTOS) throw AppError.invalid({ photos: msg('errors.need_photo_limit', { max: MAX_NEED_PHOTOS }) })

			await storeBytes(dir, storageKey, bytes)
			written = true
			const id = newId(now)
			await trx
				.insertInto('upload')
				.values({
					id,
					ownerType: 'need',
					ownerId: needId,
					kind: 'photo',
					contentType: type.contentType,
					byteSize: bytes.byteLength,
					originalName: displayName(file.originalName),
					storageKey,
					createdBy: actor.accountId,
					createdAt: now,
				})
				.execute()
			await recordEvent(
				trx,
				{ entityType: 'need', entityId: needId, action: 'add_photo', fromState: need.status, toState: need.status, note: id, actorAccountId: actor.accountId, actorOrgId: need.villageOrgId, requestId: actor.requestId },
				now,
			)
			await enqueueSearch(trx, 'need', needId, now)
			return { id, contentType: type.contentType, byteSize: bytes.byteLength }
		})
	} catch (error) {
		if (written) await fs.rm(path.join(dir, storageKey), { force: true }).catch(() => {})
		throw error
	}
}

/** Removes a need photo (same people and statuses as adding one). The file goes after the commit. */
export async function removeNeedPhoto(db: Kysely<DB>, uploadId: string, actor: Actor, options: UploadOptions = {}) {
	const now = options.now ?? Date.now()
	const dir = uploadDir(options)
	const upload = await db.transaction().execute(async (trx) => {
		const row = await trx
			.selectFrom('upload')
			.innerJoin('need', 'need.id', 'upload.ownerId')
			.select(['upload.id', 'upload.storageKey', 'need.id as needId', 'need.status', 'need.villageOrgId', 'need.villageCode'])
			.where('upload.id', '=', uploadId)
			.where('upload.ownerType', '=', 'need')
			.executeTakeFirst()
		if (!row) throw AppError.notFound()
		const touched = await trx
			.updateTable('need')
			.set({ updatedAt: now })
			.where('id', '=', row.needId)
			.where('status', 'in', [...PHOTO_STATUSES])
			.where(villageScope(actor, ANY_MEMBER))
			.executeTakeFirst()
		if (Number(touched.numUpdatedRows) === 0) {
			await assertPermitted(trx, { id: row.needId, villageOrgId: row.villageOrgId, villageCode: row.villageCode }, actor, 'village', ANY_MEMBER)
			throw AppError.conflict('errors.need_photos_locked')
		}
		await trx.deleteFrom('upload').where('id', '=', uploadId).execute()
		await recordEvent(
			trx,
			{ entityType: 'need', entityId: row.needId, action: 'remove_photo', fromState: row.status, toState: row.status, note: uploadId, actorAccountId: actor.accountId, actorOrgId: row.villageOrgId, requestId: actor.requestId },
			now,
		)
		await enqueueSearch(trx, 'need', row.needId, now)
		return row
	})
	// A failed unlink leaves an orphan file, never a row without its file.
	await fs.rm(pathOf(dir, upload.storageKey), { force: true }).catch(() => {})
}

/**
 * An upload the viewer may see: a need photo with the visibility of its need, evidence with the
 * visibility of its commitment (see the header).
 */
export async function getUpload(db: Kysely<DB>, id: string, viewer: Actor | null): Promise<Upload | undefined> {
	const owner = await db.selectFrom('upload').select('ownerType').where('id', '=', id).executeTakeFirst()
	if (owner?.ownerType === 'need') {
		return db
			.selectFrom('upload')
			.innerJoin('need', 'need.id', 'upload.ownerId')
			.selectAll('upload')
			.where('upload.id', '=', id)
			.where('upload.ownerType', '=', 'need')
			.where(visibleScope(viewer))
			.executeTakeFirst()
	}
	if (owner?.ownerType === 'commitment_update') {
		return db
			.selectFrom('upload')
			.innerJoin('commitmentUpdate', 'commitmentUpdate.id', 'upload.ownerId')
			.innerJoin('commitment', 'commitment.id', 'commitmentUpdate.commitmentId')
			.selectAll('upload')
			.where('upload.id', '=', id)
			.where('upload.ownerType', '=', 'commitment_update')
			.where(commitmentVisibleScope(viewer))
			.executeTakeFirst()
	}
	return undefined
}

/**
 * Checks evidence files before anything is written: at most MAX_EVIDENCE_FILES, each at most
 * MAX_EVIDENCE_MB and a JPEG, PNG, WebP or PDF by its bytes. Errors land on the `evidence` field
 * and name the file. Returns each file's sniffed type.
 */
export function checkEvidenceFiles(files: UploadFile[]): EvidenceType[] {
	if (files.length > MAX_EVIDENCE_FILES) throw AppError.invalid({ evidence: msg('errors.evidence_too_many', { max: MAX_EVIDENCE_FILES }) })
	return files.map((file) => {
		const name = displayName(file.originalName, 'file')
		if (file.bytes.byteLength > MAX_EVIDENCE_BYTES) throw AppError.invalid({ evidence: msg('errors.evidence_too_large', { name, maxMb: MAX_EVIDENCE_MB }) })
		const type = sniffEvidenceType(file.bytes)
		if (!type) throw AppError.invalid({ evidence: msg('errors.evidence_type', { name }) })
		return type
	})
}

/**
 * Stores evidence for a commitment progress update inside the caller's transaction: each file is
 * written first, then its `upload` row (owner_type 'commitment_update'). When the transaction
 * fails, the caller calls `discard()` so no file outlives its row.
 */
export function evidenceWriter(options: Pick<UploadOptions, 'dir'> = {}) {
	const dir = uploadDir(options)
	const written: string[] = []
	return {
		async add(trx: Transaction<DB>, updateId: string, files: UploadFile[], types: EvidenceType[], actor: Actor, now: number): Promise<string[]> {
			const ids: string[] = []
			for (const [i, file] of files.entries()) {
				const type = types[i]
				const hex = randomBytes(16).toString('hex')
				const storageKey = `${hex.slice(0, 2)}/${hex}.${type.extension}`
				await storeBytes(dir, storageKey, file.bytes, 'evidence')
				written.push(storageKey)
				const id = newId(now)
				await trx
					.insertInto('upload')
					.values({
						id,
						ownerType: 'commitment_update',
						ownerId: updateId,
						kind: type.kind,
						contentType: type.contentType,
						byteSize: file.bytes.byteLength,
						originalName: displayName(file.originalName, 'file'),
						storageKey,
						createdBy: actor.accountId,
						createdAt: now,
					})
					.execute()
				ids.push(id)
			}
			return ids
		},
		async discard() {
			await Promise.all(written.map((key) => fs.rm(path.join(dir, key), { force: true }).catch(() => {})))
			written.length = 0
		},
	}
}

/** The stored bytes; serve them with `upload.contentType` (sniffed at upload) and nosniff. */
export async function readUploadBytes(upload: Pick<Upload, 'storageKey'>, options: Pick<UploadOptions, 'dir'> = {}): Promise<Buffer> {
	try {
		return await fs.readFile(pathOf(uploadDir(options), upload.storageKey))
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw AppError.notFound()
		throw error
	}
}
