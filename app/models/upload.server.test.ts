import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '#app/utils/errors.ts'
import { sniffImageType } from '#app/utils/file-type.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { cancelNeed, createNeed, getNeed, reviewNeed, submitNeed } from './need.server.ts'
import type { Actor } from './policy.server.ts'
import { MAX_UPLOAD_BYTES, addNeedPhoto, getUpload, readUploadBytes, removeNeedPhoto } from './upload.server.ts'

// A real 1×1 PNG and a real 1×1 lossless WebP; a JPEG's JFIF header (SOI, APP0) and end marker.
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'))
const WEBP = Uint8Array.from(Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64'))
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9])
const TEXT = new TextEncoder().encode('这不是图片，只是改了扩展名的文本文件。\n')

async function appError(p: Promise<unknown>): Promise<AppError> {
	try {
		await p
	} catch (e) {
		if (e instanceof AppError) return e
		throw e
	}
	throw new Error('expected an AppError')
}

function filesUnder(dir: string): string[] {
	if (!fs.existsSync(dir)) return []
	return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name))
}

describe('sniffImageType', () => {
	it('knows JPEG, PNG and WebP by their bytes and nothing else', () => {
		expect(sniffImageType(PNG)).toEqual({ contentType: 'image/png', extension: 'png' })
		expect(sniffImageType(JPEG)).toEqual({ contentType: 'image/jpeg', extension: 'jpg' })
		expect(sniffImageType(WEBP)).toEqual({ contentType: 'image/webp', extension: 'webp' })
		expect(sniffImageType(TEXT)).toBeUndefined()
		expect(sniffImageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toBeUndefined()
		expect(sniffImageType(new TextEncoder().encode('GIF89a\x01\x00\x01\x00'))).toBeUndefined()
		// A RIFF that is not WebP (a WAV file) and a truncated signature.
		expect(sniffImageType(new TextEncoder().encode('RIFF\x24\x00\x00\x00WAVEfmt '))).toBeUndefined()
		expect(sniffImageType(PNG.slice(0, 7))).toBeUndefined()
		expect(sniffImageType(new Uint8Array())).toBeUndefined()
	})
})

/** Fails every insert into `upload`, as a broken database would. */
class FailUploadInsert implements KyselyPlugin {
	transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
		const node = args.node
		if (node.kind === 'InsertQueryNode' && node.into?.table.identifier.name === 'upload') throw new Error('simulated insert failure')
		return node
	}
	async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
		return args.result
	}
}

describeDb('need photos', (ctx) => {
	let dir: string
	let previousDir: string | undefined
	let villageA: string
	let owner: Actor
	let member: Actor
	let ownerB: Actor
	let township: Actor
	let stranger: Actor

	beforeAll(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-uploads-'))
		previousDir = process.env.UPLOAD_DIR
		process.env.UPLOAD_DIR = dir
		await seedRegions(ctx.db)
		const ownerAccount = await makeAccount(ctx.db)
		villageA = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: ownerAccount.id })
		owner = await actorFor(ctx.db, ownerAccount.id)
		const memberAccount = await makeAccount(ctx.db)
		await ctx.db.insertInto('membership').values({ orgId: villageA, accountId: memberAccount.id, role: 'member', createdAt: Date.now() }).execute()
		member = await actorFor(ctx.db, memberAccount.id)
		const ownerBAccount = await makeAccount(ctx.db)
		await makeOrg(ctx.db, 'village', { regionCode: '513431101201', ownerId: ownerBAccount.id })
		ownerB = await actorFor(ctx.db, ownerBAccount.id)
		township = await makeOfficial(ctx.db, '513431100000')
		stranger = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
	})

	afterAll(() => {
		if (previousDir === undefined) delete process.env.UPLOAD_DIR
		else process.env.UPLOAD_DIR = previousDir
		fs.rmSync(dir, { recursive: true, force: true })
	})

	async function newDraft() {
		const neededBy = formatChinaDate(chinaDayStart(Date.now()) + 30 * 86_400_000)
		const input = { title: '村道照片', category: 'infrastructure', measure: 'amount', amount: '50000', urgency: 'normal', neededBy }
		return (await createNeed(ctx.db, villageA, input, member)).id
	}
	async function uploadCount(needId: string) {
		const row = await ctx.db.selectFrom('upload').select((eb) => eb.fn.countAll<number>().as('n')).where('ownerId', '=', needId).executeTakeFirstOrThrow()
		return Number(row.n)
	}
	async function state(needId: string) {
		const need = await ctx.db.selectFrom('need').selectAll().where('id', '=', needId).executeTakeFirstOrThrow()
		const events = await ctx.db.selectFrom('event').select('id').where('entityId', '=', needId).execute()
		return { need, events: events.length, uploads: await uploadCount(needId), files: filesUnder(dir).length }
	}

	it('stores JPEG, PNG and WebP under a random key with the type read from the bytes', async () => {
		const needId = await newDraft()
		const outboxBefore = await ctx.db.selectFrom('searchOutbox').select('id').where('entityId', '=', needId).execute()
		const png = await addNeedPhoto(ctx.db, needId, { bytes: PNG, originalName: '../../etc/村口.gif' }, member)
		const jpg = await addNeedPhoto(ctx.db, needId, { bytes: JPEG, originalName: 'C:\\photos\\road.png' }, member)
		const webp = await addNeedPhoto(ctx.db, needId, { bytes: WEBP, originalName: 'bridge' }, owner)
		expect([png.contentType, jpg.contentType, webp.contentType]).toEqual(['image/png', 'image/jpeg', 'image/webp'])

		const row = await ctx.db.selectFrom('upload').selectAll().where('id', '=', png.id).executeTakeFirstOrThrow()
		expect(row).toMatchObject({ ownerType: 'need', ownerId: needId, kind: 'photo', contentType: 'image/png', byteSize: PNG.length, originalName: '村口.gif', createdBy: member.accountId })
		expect(row.storageKey).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{32}\.png$/)
		expect(fs.readFileSync(path.join(dir, row.storageKey))).toEqual(Buffer.from(PNG))
		expect(await readUploadBytes(row)).toEqual(Buffer.from(PNG))
		const jpgRow = await ctx.db.selectFrom('upload').selectAll().where('id', '=', jpg.id).executeTakeFirstOrThrow()
		expect(jpgRow).toMatchObject({ originalName: 'road.png', contentType: 'image/jpeg' })
		expect(jpgRow.storageKey).toMatch(/\.jpg$/)
		// No temporary files are left behind.
		expect(filesUnder(dir).filter((f) => path.basename(f).startsWith('.tmp-'))).toEqual([])

		const events = await ctx.db.selectFrom('event').select(['action', 'note']).where('entityId', '=', needId).where('action', '=', 'add_photo').execute()
		expect(events.map((e) => e.note).sort()).toEqual([png.id, jpg.id, webp.id].sort())
		const outboxAfter = await ctx.db.selectFrom('searchOutbox').select('id').where('entityId', '=', needId).execute()
		expect(outboxAfter.length).toBe(outboxBefore.length + 3)
		expect((await getNeed(ctx.db, needId, member))?.photos.map((p) => p.id)).toEqual([png.id, jpg.id, webp.id])
	})

	it('refuses a renamed text file, an oversized file and a 7th photo, writing nothing', async () => {
		const needId = await newDraft()
		const before = await state(needId)
		const text = await appError(addNeedPhoto(ctx.db, needId, { bytes: TEXT, originalName: 'photo.jpg' }, member))
		expect([text.code, text.fields]).toEqual(['invalid', { photos: 'errors.upload_not_image' }])
		const big = new Uint8Array(MAX_UPLOAD_BYTES + 1)
		big.set(PNG)
		const tooBig = await appError(addNeedPhoto(ctx.db, needId, { bytes: big, originalName: 'big.png' }, member))
		expect([tooBig.code, tooBig.fields]).toEqual(['invalid', { photos: 'errors.upload_too_large|{"maxMb":5}' }])
		expect(await state(needId)).toEqual(before)

		// Exactly 5 MB is allowed.
		await addNeedPhoto(ctx.db, needId, { bytes: big.subarray(0, MAX_UPLOAD_BYTES), originalName: 'five.png' }, member)
		for (let i = 0; i < 5; i++) await addNeedPhoto(ctx.db, needId, { bytes: PNG, originalName: `p${i}.png` }, member)
		const six = await state(needId)
		expect(six.uploads).toBe(6)
		const seventh = await appError(addNeedPhoto(ctx.db, needId, { bytes: PNG, originalName: 'p7.png' }, member))
		expect([seventh.code, seventh.fields]).toEqual(['invalid', { photos: 'errors.need_photo_limit|{"max":6}' }])
		expect(await state(needId)).toEqual(six)
		expect((await getNeed(ctx.db, needId, member))?.viewer.canAddPhoto).toBe(false)
	})

	it('only members of the village add or remove photos, and only while the need is open', async () => {
		const needId = await newDraft()
		const before = await state(needId)
		expect((await appError(addNeedPhoto(ctx.db, needId, { bytes: PNG, originalName: 'x.png' }, ownerB))).message).toBe('errors.need_not_village_member')
		expect((await appError(addNeedPhoto(ctx.db, needId, { bytes: PNG, originalName: 'x.png' }, township))).code).toBe('forbidden')
		expect((await appError(addNeedPhoto(ctx.db, 'NOPE', { bytes: PNG, originalName: 'x.png' }, member))).code).toBe('not_found')
		expect(await state(needId)).toEqual(before)

		// Submitted and published needs still take photos; a cancelled one does not.
		await submitNeed(ctx.db, needId, owner)
		const photo = await addNeedPhoto(ctx.db, needId, { bytes: JPEG, originalName: 'a.jpg' }, member)
		await reviewNeed(ctx.db, needId, { decision: 'publish' }, township)
		await addNeedPhoto(ctx.db, needId, { bytes: WEBP, originalName: 'b.webp' }, member)

		const row = await ctx.db.selectFrom('upload').selectAll().where('id', '=', photo.id).executeTakeFirstOrThrow()
		const file = path.join(dir, row.storageKey)
		expect((await appError(removeNeedPhoto(ctx.db, photo.id, stranger))).code).toBe('forbidden')
		expect(fs.existsSync(file)).toBe(true)
		await removeNeedPhoto(ctx.db, photo.id, member)
		expect(await ctx.db.selectFrom('upload').select('id').where('id', '=', photo.id).executeTakeFirst()).toBeUndefined()
		expect(fs.existsSync(file)).toBe(false)
		expect((await appError(removeNeedPhoto(ctx.db, photo.id, member))).code).toBe('not_found')

		await cancelNeed(ctx.db, needId, { reason: '不再需要' }, owner)
		const locked = await state(needId)
		const e = await appError(addNeedPhoto(ctx.db, needId, { bytes: PNG, originalName: 'late.png' }, member))
		expect([e.code, e.message]).toEqual(['conflict', 'errors.need_photos_locked'])
		expect(await state(needId)).toEqual(locked)
	})

	it('shows a photo to whoever may see its need', async () => {
		const needId = await newDraft()
		const { id } = await addNeedPhoto(ctx.db, needId, { bytes: PNG, originalName: 'x.png' }, member)
		expect(await getUpload(ctx.db, id, null)).toBeUndefined()
		expect(await getUpload(ctx.db, id, stranger)).toBeUndefined()
		expect(await getUpload(ctx.db, id, ownerB)).toBeUndefined()
		expect((await getUpload(ctx.db, id, member))?.contentType).toBe('image/png')
		expect((await getUpload(ctx.db, id, township))?.id).toBe(id)
		await submitNeed(ctx.db, needId, owner)
		await reviewNeed(ctx.db, needId, { decision: 'publish' }, township)
		const upload = await getUpload(ctx.db, id, null)
		expect(upload?.id).toBe(id)
		expect(await readUploadBytes(upload!)).toEqual(Buffer.from(PNG))
		expect(await getUpload(ctx.db, 'NOPE', member)).toBeUndefined()
	})

	it('an unwritable upload directory is a clear error and no row', async () => {
		const needId = await newDraft()
		const before = await state(needId)
		// A directory path below a regular file can never be created (works as root too).
		const blocker = path.join(dir, 'not-a-directory')
		fs.writeFileSync(blocker, 'x')
		const e = await appError(addNeedPhoto(ctx.db, needId, { bytes: PNG, originalName: 'x.png' }, member, { dir: path.join(blocker, 'uploads') }))
		expect([e.code, e.message, e.fields]).toEqual(['invalid', 'errors.upload_failed', { photos: 'errors.upload_failed' }])
		fs.rmSync(blocker)
		expect(await state(needId)).toEqual(before)
	})

	it('removes the written file when the database insert fails', async () => {
		const needId = await newDraft()
		const before = await state(needId)
		const failing = ctx.db.withPlugin(new FailUploadInsert())
		await expect(addNeedPhoto(failing, needId, { bytes: PNG, originalName: 'x.png' }, member)).rejects.toThrow('simulated insert failure')
		expect(await state(needId)).toEqual(before)
	})

	it('uses an explicit directory when given one', async () => {
		const other = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-uploads-explicit-'))
		try {
			const needId = await newDraft()
			const { id } = await addNeedPhoto(ctx.db, needId, { bytes: WEBP, originalName: 'x.webp' }, member, { dir: other })
			const row = await ctx.db.selectFrom('upload').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
			expect(fs.existsSync(path.join(other, row.storageKey))).toBe(true)
			expect(await readUploadBytes(row, { dir: other })).toEqual(Buffer.from(WEBP))
			await expect(readUploadBytes(row)).rejects.toMatchObject({ code: 'not_found' })
		} finally {
			fs.rmSync(other, { recursive: true, force: true })
		}
	})
})
