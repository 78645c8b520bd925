// 约谈 interviews (DOMAIN.md, 考核监督): an official records an interview with a subject they
// supervise (a region or a provider org, subject.server.ts): when it was held, who attended, the
// issues, the rectification required and its deadline. Follow-ups by officials who supervise the
// subject leave it open (a progress note) or close it as rectified or unresolved.
//
// | action                         | who                                                             |
// |--------------------------------|-----------------------------------------------------------------|
// | record, add a follow-up        | an official who supervises the subject (requireSupervision); a  |
// |                                | national admin                                                  |
// | see an interview               | officials whose jurisdiction covers its region_code; national   |
// |                                | admins; members of the subject org (interviews with their org)  |
//
// The subject org's members are told when an interview is recorded; on the deadline day of an
// open interview, the interviewing org's and the subject org's members are reminded (once).
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { DB, InterviewStatus, SubjectType } from '#db/schema.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { recordEvent } from './event.server.ts'
import { notify } from './notification.server.ts'
import { type Actor, inJurisdiction } from './policy.server.ts'
import { type Subject, actingGovernmentOrg, loadSubject, requireSupervision } from './subject.server.ts'
import { fullNames } from './region.server.ts'
import { isRegionCode, regionPrefix } from './region-code.ts'
import { FollowUpSchema, INTERVIEW_STATUSES, type InterviewInput, interviewSchema } from './supervision.schema.ts'
import { fieldErrors } from '#app/utils/validation.ts'

export const INTERVIEW_PAGE_SIZE = 30
const MAX_PAGE = 10_000
const REMINDER_BATCH = 200
/** How much of a long text goes into a notification message. */
const EXCERPT = 60

const FALSE = sql<SqlBool>`1 = 0`

export function excerpt(text: string, max = EXCERPT): string {
	const flat = text.replace(/\s+/g, ' ').trim()
	return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/**
 * A subject from a form: not_found becomes an invalid `subjectId` field, outside the actor's
 * jurisdiction a forbidden error naming the same field.
 */
export async function loadSupervisedSubject(db: Kysely<DB>, actor: Actor, type: string, id: string): Promise<Subject> {
	let subject: Subject
	try {
		subject = await loadSubject(db, type, id)
	} catch (error) {
		if (error instanceof AppError && error.code === 'not_found') throw AppError.invalid({ subjectId: 'supervision.errors.subject_not_found' })
		throw error
	}
	try {
		requireSupervision(actor, subject)
	} catch (error) {
		if (error instanceof AppError) throw new AppError('forbidden', 'errors.outside_jurisdiction', { subjectId: 'supervision.errors.subject_outside' })
		throw error
	}
	return subject
}

/** Who may see interviews: see the table above. NOTE: the outer table must be `interview` (not aliased). */
export function interviewVisibleScope(viewer: Actor | null): RawBuilder<SqlBool> {
	if (!viewer) return FALSE
	if (viewer.isNationalAdmin) return sql<SqlBool>`1 = 1`
	const orgIds = viewer.memberships.map((m) => m.orgId)
	const own = orgIds.length ? sql`or (interview.subject_type = 'org' and interview.subject_id in (${sql.join(orgIds)}))` : sql``
	return sql<SqlBool>`(${inJurisdiction('interview.regionCode', viewer)} ${own})`
}

/** Officials who may act on an interview (its region in their jurisdiction). */
function interviewOfficialScope(actor: Actor): RawBuilder<SqlBool> {
	return inJurisdiction('interview.regionCode', actor)
}

/**
 * Records an interview with a subject the actor supervises. The input is checked again here
 * (a deadline before today, a held-on date after today: field errors, nothing written). Tells the
 * subject org's members. Returns the new id.
 */
export async function createInterview(db: Kysely<DB>, raw: Record<string, unknown> | InterviewInput, actor: Actor, now = Date.now()): Promise<{ id: string }> {
	const parsed = interviewSchema(() => now).safeParse(rawForm(raw))
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const input = parsed.data
	const subject = await loadSupervisedSubject(db, actor, input.subjectType, input.subjectId)
	const orgId = actingGovernmentOrg(actor, subject)
	const id = newId(now)
	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('interview')
			.values({
				id,
				subjectType: subject.type,
				subjectId: subject.id,
				regionCode: subject.regionCode,
				heldAt: input.heldOn,
				interviewerId: actor.accountId,
				interviewerOrgId: orgId,
				attendees: input.attendees,
				issues: input.issues,
				rectification: input.rectification,
				deadline: input.deadline,
				status: 'open',
				remindedAt: null,
				closedAt: null,
				createdAt: now,
				updatedAt: now,
			})
			.execute()
		await recordEvent(
			trx,
			{ entityType: 'interview', entityId: id, action: 'recorded', toState: 'open', note: excerpt(input.issues, 200), actorAccountId: actor.accountId, actorOrgId: orgId || null, requestId: actor.requestId },
			now,
		)
		if (subject.type === 'org') {
			await notify(
				trx,
				{
					orgIds: [subject.id],
					kind: 'interview_recorded',
					entityType: 'interview',
					entityId: id,
					params: { official: await officialName(trx, actor, orgId), issues: excerpt(input.issues), subject: subject.name, deadline: formatChinaDate(input.deadline) },
					exceptAccountId: actor.accountId,
				},
				now,
			)
		}
	})
	return { id }
}

/** Dates may arrive as `YYYY-MM-DD` strings (forms) or already as ms (callers with parsed input). */
function rawForm(raw: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = { ...raw }
	for (const key of ['heldOn', 'deadline']) if (typeof out[key] === 'number') out[key] = formatChinaDate(out[key] as number)
	return out
}

/** The acting government org's name, or the official's own name when acting nationally without one. */
async function officialName(db: Kysely<DB>, actor: Actor, orgId: string): Promise<string> {
	if (!orgId) return actor.displayName
	const m = actor.memberships.find((x) => x.orgId === orgId)
	if (m) return m.orgName
	const row = await db.selectFrom('organization').select('name').where('id', '=', orgId).executeTakeFirst()
	return row?.name ?? actor.displayName
}

/**
 * Adds a follow-up to an open interview: a note, leaving it open or closing it as rectified or
 * unresolved. The interview's status is changed with a guarded update (still open, in the actor's
 * jurisdiction), so two officials closing at once cannot both win.
 */
export async function addInterviewFollowUp(db: Kysely<DB>, interviewId: string, raw: Record<string, unknown>, actor: Actor, now = Date.now()): Promise<void> {
	const parsed = FollowUpSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const { note, statusTo } = parsed.data
	const row = await db.selectFrom('interview').select(['id', 'status', 'regionCode']).where('id', '=', interviewId).where(interviewVisibleScope(actor)).executeTakeFirst()
	if (!row) throw AppError.notFound('supervision.errors.interview_not_found')
	requireSupervision(actor, { regionCode: row.regionCode })
	await db.transaction().execute(async (trx) => {
		const updated = await trx
			.updateTable('interview')
			.set({ status: statusTo, updatedAt: now, closedAt: statusTo === 'open' ? null : now })
			.where('id', '=', interviewId)
			.where('status', '=', 'open')
			.where(interviewOfficialScope(actor))
			.executeTakeFirst()
		if (Number(updated.numUpdatedRows) !== 1) throw AppError.conflict('supervision.errors.interview_closed')
		await trx.insertInto('interviewFollowUp').values({ id: newId(now), interviewId, note, statusTo, createdBy: actor.accountId, createdAt: now }).execute()
		await recordEvent(
			trx,
			{
				entityType: 'interview',
				entityId: interviewId,
				action: statusTo === 'open' ? 'followed_up' : statusTo,
				fromState: 'open',
				toState: statusTo,
				note: excerpt(note, 200),
				actorAccountId: actor.accountId,
				actorOrgId: safeActingOrg(actor, row.regionCode),
				requestId: actor.requestId,
			},
			now,
		)
	})
}

function safeActingOrg(actor: Actor, regionCode: string): string | null {
	try {
		return actingGovernmentOrg(actor, { regionCode }) || null
	} catch {
		return null
	}
}

function baseQuery(db: Kysely<DB>) {
	return db
		.selectFrom('interview')
		.leftJoin('account as interviewer', 'interviewer.id', 'interview.interviewerId')
		.leftJoin('organization as interviewerOrg', 'interviewerOrg.id', 'interview.interviewerOrgId')
		.leftJoin('organization as subjectOrg', (join) => join.onRef('subjectOrg.id', '=', 'interview.subjectId').on('interview.subjectType', '=', 'org'))
		.select([
			'interview.id',
			'interview.subjectType',
			'interview.subjectId',
			'interview.regionCode',
			'interview.heldAt',
			'interview.interviewerId',
			'interview.interviewerOrgId',
			'interview.attendees',
			'interview.issues',
			'interview.rectification',
			'interview.deadline',
			'interview.status',
			'interview.closedAt',
			'interview.createdAt',
			'interviewer.displayName as interviewerName',
			'interviewerOrg.name as interviewerOrgName',
			'subjectOrg.name as subjectOrgName',
		])
}

type Raw = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number]

export type InterviewRow = {
	id: string
	subjectType: SubjectType
	subjectId: string
	subjectName: string
	regionCode: string
	heldAt: number
	interviewerName: string | null
	interviewerOrgName: string | null
	attendees: string
	issues: string
	rectification: string
	deadline: number
	status: InterviewStatus
	closedAt: number | null
	createdAt: number
}

async function shape(db: Kysely<DB>, rows: Raw[]): Promise<InterviewRow[]> {
	const names = await fullNames(db, [...new Set(rows.filter((r) => r.subjectType === 'region').map((r) => r.subjectId))])
	return rows.map((r) => ({
		id: r.id,
		subjectType: r.subjectType,
		subjectId: r.subjectId,
		subjectName: r.subjectType === 'region' ? (names.get(r.subjectId) ?? r.subjectId) : (r.subjectOrgName ?? r.subjectId),
		regionCode: r.regionCode,
		heldAt: Number(r.heldAt),
		interviewerName: r.interviewerName,
		interviewerOrgName: r.interviewerOrgName,
		attendees: r.attendees,
		issues: r.issues,
		rectification: r.rectification,
		deadline: Number(r.deadline),
		status: r.status,
		closedAt: r.closedAt === null ? null : Number(r.closedAt),
		createdAt: Number(r.createdAt),
	}))
}

/**
 * One interview with its follow-ups (oldest first), or undefined when it does not exist or the
 * viewer may not see it. `canFollowUp`: the viewer supervises the subject and it is still open.
 */
export async function getInterview(db: Kysely<DB>, id: string, viewer: Actor | null) {
	const row = await baseQuery(db).where('interview.id', '=', id).where(interviewVisibleScope(viewer)).executeTakeFirst()
	if (!row) return undefined
	const [interview] = await shape(db, [row])
	const followUps = await db
		.selectFrom('interviewFollowUp')
		.leftJoin('account', 'account.id', 'interviewFollowUp.createdBy')
		.select(['interviewFollowUp.id', 'interviewFollowUp.note', 'interviewFollowUp.statusTo', 'interviewFollowUp.createdAt', 'account.displayName as authorName'])
		.where('interviewFollowUp.interviewId', '=', id)
		.orderBy('interviewFollowUp.createdAt')
		.orderBy('interviewFollowUp.id')
		.execute()
	const supervising = !!viewer && (viewer.isNationalAdmin || (!!interview.regionCode && governsCode(viewer, interview.regionCode)))
	return {
		...interview,
		followUps: followUps.map((f) => ({ ...f, createdAt: Number(f.createdAt) })),
		canFollowUp: supervising && interview.status === 'open',
	}
}
export type InterviewDetail = NonNullable<Awaited<ReturnType<typeof getInterview>>>

function governsCode(actor: Actor, code: string): boolean {
	try {
		requireSupervision(actor, { regionCode: code })
		return true
	} catch {
		return false
	}
}

export type InterviewFilters = {
	status?: InterviewStatus
	subjectType?: SubjectType
	subjectId?: string
	/** Only interviews whose region lies within this code. */
	region?: string
}

/** Interviews in the actor's jurisdiction (officials; national admins: all), newest held first, a page at a time. */
export async function listInterviews(db: Kysely<DB>, actor: Actor, filters: InterviewFilters = {}, options: { page?: number } = {}) {
	let base = db.selectFrom('interview').where(interviewOfficialScope(actor))
	if (filters.status && (INTERVIEW_STATUSES as readonly string[]).includes(filters.status)) base = base.where('interview.status', '=', filters.status)
	if (filters.subjectType) base = base.where('interview.subjectType', '=', filters.subjectType)
	if (filters.subjectId) base = base.where('interview.subjectId', '=', filters.subjectId)
	if (filters.region && isRegionCode(filters.region)) base = base.where('interview.regionCode', 'like', `${regionPrefix(filters.region)}%`)
	const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
	const total = Number(counted.n)
	const pages = Math.max(1, Math.ceil(total / INTERVIEW_PAGE_SIZE))
	const page = Math.min(Math.max(Math.floor(options.page ?? 1) || 1, 1), pages, MAX_PAGE)
	let q = baseQuery(db).where(interviewOfficialScope(actor))
	if (filters.status && (INTERVIEW_STATUSES as readonly string[]).includes(filters.status)) q = q.where('interview.status', '=', filters.status)
	if (filters.subjectType) q = q.where('interview.subjectType', '=', filters.subjectType)
	if (filters.subjectId) q = q.where('interview.subjectId', '=', filters.subjectId)
	if (filters.region && isRegionCode(filters.region)) q = q.where('interview.regionCode', 'like', `${regionPrefix(filters.region)}%`)
	const rows = await q
		.orderBy('interview.heldAt', 'desc')
		.orderBy('interview.id', 'desc')
		.limit(INTERVIEW_PAGE_SIZE)
		.offset((page - 1) * INTERVIEW_PAGE_SIZE)
		.execute()
	return { rows: await shape(db, rows), total, page, pages, pageSize: INTERVIEW_PAGE_SIZE }
}

/**
 * The interviews with one subject that the viewer may see (its officials; members of the subject
 * org), newest held first: for the subject's own pages (a region's, an org's).
 */
export async function listInterviewsForSubject(db: Kysely<DB>, subject: { type: SubjectType; id: string }, viewer: Actor | null, options: { limit?: number } = {}) {
	const limit = Math.min(Math.max(options.limit ?? 50, 1), 200)
	const rows = await baseQuery(db)
		.where('interview.subjectType', '=', subject.type)
		.where('interview.subjectId', '=', subject.id)
		.where(interviewVisibleScope(viewer))
		.orderBy('interview.heldAt', 'desc')
		.orderBy('interview.id', 'desc')
		.limit(limit)
		.execute()
	return shape(db, rows)
}

/**
 * Reminds the members of the interviewing org (or the interviewer, acting nationally without
 * one) and of the subject org when the deadline day of an open interview has come. Once per
 * interview and recipient: notify()'s dedupe keys are a unique index, so two runners at once are
 * safe; `reminded_at` then keeps later runs from looking at the interview again. Returns how many
 * notifications were added.
 */
export async function remindInterviewDeadlines(db: Kysely<DB>, now = Date.now()): Promise<number> {
	let added = 0
	let after = ''
	for (;;) {
		const batch = await db
			.selectFrom('interview')
			.leftJoin('organization as subjectOrg', (join) => join.onRef('subjectOrg.id', '=', 'interview.subjectId').on('interview.subjectType', '=', 'org'))
			.select(['interview.id', 'interview.subjectType', 'interview.subjectId', 'interview.interviewerId', 'interview.interviewerOrgId', 'interview.deadline', 'subjectOrg.name as subjectOrgName'])
			.where('interview.status', '=', 'open')
			// The deadline is the China midnight that starts the deadline day: it has come at that moment.
			.where('interview.deadline', '<=', now)
			.where('interview.remindedAt', 'is', null)
			.where('interview.id', '>', after)
			.orderBy('interview.id')
			.limit(REMINDER_BATCH)
			.execute()
		if (!batch.length) break
		after = batch[batch.length - 1].id
		const regionNames = await fullNames(db, batch.filter((r) => r.subjectType === 'region').map((r) => r.subjectId))
		for (const r of batch) {
			const orgIds = [r.interviewerOrgId, r.subjectType === 'org' ? r.subjectId : ''].filter(Boolean)
			added += await notify(
				db,
				{
					orgIds,
					accountIds: r.interviewerOrgId ? [] : [r.interviewerId],
					kind: 'interview_deadline',
					entityType: 'interview',
					entityId: r.id,
					params: { subject: r.subjectType === 'org' ? (r.subjectOrgName ?? r.subjectId) : (regionNames.get(r.subjectId) ?? r.subjectId), deadline: formatChinaDate(Number(r.deadline)) },
					dedupeKey: `interview_deadline:${r.id}`,
				},
				now,
			)
			await db.updateTable('interview').set({ remindedAt: now }).where('id', '=', r.id).where('remindedAt', 'is', null).execute()
		}
	}
	return added
}
