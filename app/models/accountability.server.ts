// 问责 accountability records (DOMAIN.md, 激励约束): an official records a subject's failure to
// perform and the measures taken, citing commitments as evidence.
//
// | action                  | who                                                                    |
// |-------------------------|------------------------------------------------------------------------|
// | record                  | an official who supervises the subject; cited commitments must lie in  |
// |                         | the official's jurisdiction (village) and, for an org subject, be that |
// |                         | org's as provider                                                      |
// | close (with a note)     | an official whose jurisdiction covers the record's region; a national  |
// |                         | admin                                                                  |
// | see                     | officials whose jurisdiction covers the record's region (the recorder's |
// |                         | level and every level above); national admins; members of the subject  |
// |                         | org (records about their own org)                                      |
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { DB, SubjectType } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { fieldErrors } from '#app/utils/validation.ts'
import { recordEvent } from './event.server.ts'
import { excerpt, loadSupervisedSubject } from './interview.server.ts'
import { notify } from './notification.server.ts'
import { type Actor, inJurisdiction } from './policy.server.ts'
import { fullNames } from './region.server.ts'
import { isRegionCode, regionPrefix } from './region-code.ts'
import { actingGovernmentOrg, requireSupervision } from './subject.server.ts'
import { ACCOUNTABILITY_STATUSES, AccountabilitySchema, CloseAccountabilitySchema } from './supervision.schema.ts'

export const ACCOUNTABILITY_PAGE_SIZE = 30
const MAX_PAGE = 10_000
const FALSE = sql<SqlBool>`1 = 0`

export type AccountabilityStatus = (typeof ACCOUNTABILITY_STATUSES)[number]

/** Who may see records (table above). NOTE: the outer table must be `accountability_record` (not aliased). */
export function accountabilityVisibleScope(viewer: Actor | null): RawBuilder<SqlBool> {
	if (!viewer) return FALSE
	if (viewer.isNationalAdmin) return sql<SqlBool>`1 = 1`
	const orgIds = viewer.memberships.map((m) => m.orgId)
	const own = orgIds.length ? sql`or (accountability_record.subject_type = 'org' and accountability_record.subject_id in (${sql.join(orgIds)}))` : sql``
	return sql<SqlBool>`(${inJurisdiction('accountabilityRecord.regionCode', viewer)} ${own})`
}

/**
 * Records a failure to perform against a subject the actor supervises, citing commitments. A cited
 * commitment outside the actor's jurisdiction, or (org subject) not that org's, is an invalid
 * `commitmentIds` field and nothing is written. Tells the subject org's members. Returns the id.
 */
export async function createAccountabilityRecord(db: Kysely<DB>, raw: Record<string, unknown>, actor: Actor, now = Date.now()): Promise<{ id: string }> {
	const parsed = AccountabilitySchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const input = parsed.data
	const subject = await loadSupervisedSubject(db, actor, input.subjectType, input.subjectId)
	const orgId = actingGovernmentOrg(actor, subject)
	const ids = input.commitmentIds ?? []
	const id = newId(now)
	await db.transaction().execute(async (trx) => {
		if (ids.length) {
			// Jurisdiction and provider in the where: whatever is missing was not allowed.
			let q = trx.selectFrom('commitment').select('commitment.id').where('commitment.id', 'in', ids).where(inJurisdiction('commitment.villageCode', actor))
			if (subject.type === 'org') q = q.where('commitment.providerOrgId', '=', subject.id)
			const found = new Set((await q.execute()).map((r) => r.id))
			const refused = ids.filter((c) => !found.has(c))
			if (refused.length) {
				throw AppError.invalid({
					commitmentIds: `${subject.type === 'org' ? 'supervision.errors.commitment_not_subject' : 'supervision.errors.commitment_outside'}|${JSON.stringify({ ids: refused.slice(0, 5).join(', ') })}`,
				})
			}
		}
		await trx
			.insertInto('accountabilityRecord')
			.values({
				id,
				subjectType: subject.type,
				subjectId: subject.id,
				regionCode: subject.regionCode,
				failure: input.failure,
				measures: input.measures,
				status: 'open',
				recordedBy: actor.accountId,
				recorderOrgId: orgId,
				closeNote: null,
				closedBy: null,
				closedAt: null,
				createdAt: now,
			})
			.execute()
		if (ids.length) await trx.insertInto('accountabilityCommitment').values(ids.map((commitmentId) => ({ recordId: id, commitmentId }))).execute()
		await recordEvent(
			trx,
			{
				entityType: 'accountability',
				entityId: id,
				action: 'recorded',
				toState: 'open',
				note: excerpt(input.failure, 200),
				actorAccountId: actor.accountId,
				actorOrgId: orgId || null,
				requestId: actor.requestId,
			},
			now,
		)
		if (subject.type === 'org') {
			const official = orgId ? (actor.memberships.find((m) => m.orgId === orgId)?.orgName ?? actor.displayName) : actor.displayName
			await notify(
				trx,
				{
					orgIds: [subject.id],
					kind: 'accountability_recorded',
					entityType: 'accountability',
					entityId: id,
					params: { official, subject: subject.name, failure: excerpt(input.failure) },
					exceptAccountId: actor.accountId,
				},
				now,
			)
		}
	})
	return { id }
}

/** Closes an open record with a note (guarded update: open, in the actor's jurisdiction). */
export async function closeAccountabilityRecord(db: Kysely<DB>, id: string, raw: Record<string, unknown>, actor: Actor, now = Date.now()): Promise<void> {
	const parsed = CloseAccountabilitySchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const row = await db.selectFrom('accountabilityRecord').select(['id', 'status', 'regionCode']).where('id', '=', id).where(accountabilityVisibleScope(actor)).executeTakeFirst()
	if (!row) throw AppError.notFound('supervision.errors.record_not_found')
	requireSupervision(actor, { regionCode: row.regionCode })
	await db.transaction().execute(async (trx) => {
		const updated = await trx
			.updateTable('accountabilityRecord')
			.set({ status: 'closed', closeNote: parsed.data.note, closedBy: actor.accountId, closedAt: now })
			.where('id', '=', id)
			.where('status', '=', 'open')
			.where(inJurisdiction('accountabilityRecord.regionCode', actor))
			.executeTakeFirst()
		if (Number(updated.numUpdatedRows) !== 1) throw AppError.conflict('supervision.errors.record_closed')
		let actorOrgId: string | null = null
		try {
			actorOrgId = actingGovernmentOrg(actor, { regionCode: row.regionCode }) || null
		} catch {
			actorOrgId = null
		}
		await recordEvent(
			trx,
			{ entityType: 'accountability', entityId: id, action: 'closed', fromState: 'open', toState: 'closed', note: excerpt(parsed.data.note, 200), actorAccountId: actor.accountId, actorOrgId, requestId: actor.requestId },
			now,
		)
	})
}

function baseQuery(db: Kysely<DB>) {
	return db
		.selectFrom('accountabilityRecord')
		.leftJoin('account as recorder', 'recorder.id', 'accountabilityRecord.recordedBy')
		.leftJoin('organization as recorderOrg', 'recorderOrg.id', 'accountabilityRecord.recorderOrgId')
		.leftJoin('account as closer', 'closer.id', 'accountabilityRecord.closedBy')
		.leftJoin('organization as subjectOrg', (join) => join.onRef('subjectOrg.id', '=', 'accountabilityRecord.subjectId').on('accountabilityRecord.subjectType', '=', 'org'))
		.select([
			'accountabilityRecord.id',
			'accountabilityRecord.subjectType',
			'accountabilityRecord.subjectId',
			'accountabilityRecord.regionCode',
			'accountabilityRecord.failure',
			'accountabilityRecord.measures',
			'accountabilityRecord.status',
			'accountabilityRecord.closeNote',
			'accountabilityRecord.closedAt',
			'accountabilityRecord.createdAt',
			'recorder.displayName as recorderName',
			'recorderOrg.name as recorderOrgName',
			'closer.displayName as closerName',
			'subjectOrg.name as subjectOrgName',
		])
}

type Raw = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number]

export type AccountabilityRow = {
	id: string
	subjectType: SubjectType
	subjectId: string
	subjectName: string
	regionCode: string
	failure: string
	measures: string
	status: AccountabilityStatus
	closeNote: string | null
	closedAt: number | null
	closerName: string | null
	createdAt: number
	recorderName: string | null
	recorderOrgName: string | null
}

async function shape(db: Kysely<DB>, rows: Raw[]): Promise<AccountabilityRow[]> {
	const names = await fullNames(db, [...new Set(rows.filter((r) => r.subjectType === 'region').map((r) => r.subjectId))])
	return rows.map((r) => ({
		id: r.id,
		subjectType: r.subjectType,
		subjectId: r.subjectId,
		subjectName: r.subjectType === 'region' ? (names.get(r.subjectId) ?? r.subjectId) : (r.subjectOrgName ?? r.subjectId),
		regionCode: r.regionCode,
		failure: r.failure,
		measures: r.measures,
		status: r.status,
		closeNote: r.closeNote,
		closedAt: r.closedAt === null ? null : Number(r.closedAt),
		closerName: r.closerName,
		createdAt: Number(r.createdAt),
		recorderName: r.recorderName,
		recorderOrgName: r.recorderOrgName,
	}))
}

/** One record with its cited commitments, or undefined when missing or not visible to the viewer. */
export async function getAccountabilityRecord(db: Kysely<DB>, id: string, viewer: Actor | null) {
	const row = await baseQuery(db).where('accountabilityRecord.id', '=', id).where(accountabilityVisibleScope(viewer)).executeTakeFirst()
	if (!row) return undefined
	const [record] = await shape(db, [row])
	const cited = await db
		.selectFrom('accountabilityCommitment')
		.innerJoin('commitment', 'commitment.id', 'accountabilityCommitment.commitmentId')
		.innerJoin('need', 'need.id', 'commitment.needId')
		.innerJoin('organization as provider', 'provider.id', 'commitment.providerOrgId')
		.select(['commitment.id', 'commitment.status', 'commitment.amount', 'commitment.dueAt', 'commitment.villageCode', 'need.title as needTitle', 'need.measure', 'need.unit', 'provider.name as providerName'])
		.where('accountabilityCommitment.recordId', '=', id)
		.orderBy('commitment.dueAt')
		.orderBy('commitment.id')
		.execute()
	const villageNames = await fullNames(db, cited.map((c) => c.villageCode))
	let supervising = false
	if (viewer) {
		try {
			requireSupervision(viewer, { regionCode: record.regionCode })
			supervising = true
		} catch {
			supervising = false
		}
	}
	return {
		...record,
		commitments: cited.map((c) => ({ ...c, amount: Number(c.amount), dueAt: Number(c.dueAt), villageName: villageNames.get(c.villageCode) ?? c.villageCode })),
		canClose: supervising && record.status === 'open',
	}
}
export type AccountabilityDetail = NonNullable<Awaited<ReturnType<typeof getAccountabilityRecord>>>

export type AccountabilityFilters = { status?: AccountabilityStatus; subjectType?: SubjectType; subjectId?: string; region?: string }

/** Records the viewer may see (officials: their jurisdiction; members: their own org's), newest first, a page at a time. */
export async function listAccountabilityRecords(db: Kysely<DB>, viewer: Actor, filters: AccountabilityFilters = {}, options: { page?: number } = {}) {
	const apply = <Q extends { where: (...args: any[]) => Q }>(q: Q): Q => {
		let out = q.where(accountabilityVisibleScope(viewer))
		if (filters.status && (ACCOUNTABILITY_STATUSES as readonly string[]).includes(filters.status)) out = out.where('accountabilityRecord.status', '=', filters.status)
		if (filters.subjectType) out = out.where('accountabilityRecord.subjectType', '=', filters.subjectType)
		if (filters.subjectId) out = out.where('accountabilityRecord.subjectId', '=', filters.subjectId)
		if (filters.region && isRegionCode(filters.region)) out = out.where('accountabilityRecord.regionCode', 'like', `${regionPrefix(filters.region)}%`)
		return out
	}
	const counted = await apply(db.selectFrom('accountabilityRecord'))
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow()
	const total = Number(counted.n)
	const pages = Math.max(1, Math.ceil(total / ACCOUNTABILITY_PAGE_SIZE))
	const page = Math.min(Math.max(Math.floor(options.page ?? 1) || 1, 1), pages, MAX_PAGE)
	const rows = await apply(baseQuery(db))
		.orderBy('accountabilityRecord.createdAt', 'desc')
		.orderBy('accountabilityRecord.id', 'desc')
		.limit(ACCOUNTABILITY_PAGE_SIZE)
		.offset((page - 1) * ACCOUNTABILITY_PAGE_SIZE)
		.execute()
	return { rows: await shape(db, rows), total, page, pages, pageSize: ACCOUNTABILITY_PAGE_SIZE }
}

/** The records about one subject that the viewer may see, newest first: for the subject's pages. */
export async function listAccountabilityForSubject(db: Kysely<DB>, subject: { type: SubjectType; id: string }, viewer: Actor | null, options: { limit?: number } = {}) {
	const limit = Math.min(Math.max(options.limit ?? 50, 1), 200)
	const rows = await baseQuery(db)
		.where('accountabilityRecord.subjectType', '=', subject.type)
		.where('accountabilityRecord.subjectId', '=', subject.id)
		.where(accountabilityVisibleScope(viewer))
		.orderBy('accountabilityRecord.createdAt', 'desc')
		.orderBy('accountabilityRecord.id', 'desc')
		.limit(limit)
		.execute()
	return shape(db, rows)
}
