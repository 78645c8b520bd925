// 万企兴万村 CSR projects: an enterprise's industry or public-welfare project in one or more
// villages, with dated progress updates. Status moves forward only: planned → running → completed.
// Owners and admins of a verified enterprise register and manage its projects; projects are public.
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely'
import type { DB, MemberRole, ProjectStatus } from '#db/schema.ts'
import { enqueueSearch } from '#app/search/outbox.server.ts'
import { AppError, msg } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { fieldErrors } from '#app/utils/validation.ts'
import { recordEvent } from './event.server.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { type Actor, governs, inJurisdiction, roleAtLeast } from './policy.server.ts'
import {
	type ProjectAction,
	type ProjectData,
	type ProjectInput,
	ProjectSchema,
	type ProjectTransitionInput,
	ProjectTransitionSchema,
	type ProjectUpdateInput,
	ProjectUpdateSchema,
	type ProjectVerifyInput,
	ProjectVerifySchema,
} from './project.schema.ts'
import { fullNames } from './region.server.ts'

const MANAGER_ROLES: MemberRole[] = ['owner', 'admin']

const TRANSITIONS: Record<ProjectAction, { from: ProjectStatus; to: ProjectStatus }> = {
	start: { from: 'planned', to: 'running' },
	complete: { from: 'running', to: 'completed' },
}
const EDITABLE: ProjectStatus[] = ['planned', 'running']

/** The actor is an owner or admin of the project's enterprise, and it is verified. Correlated on `project`. */
function mayManage(actor: Actor) {
	return (eb: ExpressionBuilder<DB, 'project'>): Expression<SqlBool> =>
		eb.exists(
			eb
				.selectFrom('membership')
				.innerJoin('organization', 'organization.id', 'membership.orgId')
				.select(sql`1`.as('one'))
				.whereRef('membership.orgId', '=', 'project.enterpriseOrgId')
				.where('membership.accountId', '=', actor.accountId)
				.where('membership.role', 'in', MANAGER_ROLES)
				.where('organization.status', '=', 'verified'),
		)
}

async function whyForbidden(db: Kysely<DB>, orgId: string, actor: Actor): Promise<AppError> {
	const mine = await db
		.selectFrom('membership')
		.innerJoin('organization', 'organization.id', 'membership.orgId')
		.select(['membership.role', 'organization.status'])
		.where('membership.orgId', '=', orgId)
		.where('membership.accountId', '=', actor.accountId)
		.executeTakeFirst()
	if (!mine) return AppError.forbidden()
	if (mine.status !== 'verified') return AppError.forbidden('errors.org_not_verified')
	if (!roleAtLeast(mine.role, 'admin')) return AppError.forbidden('errors.not_org_admin')
	return AppError.forbidden()
}

function parseProject(raw: unknown): ProjectData {
	const parsed = ProjectSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	return parsed.data
}

/** Every code must name a village (a level-5 region). */
async function checkVillages(db: Kysely<DB>, codes: string[]) {
	const rows = await db.selectFrom('region').select('code').distinct().where('code', 'in', codes).where('level', '=', 5).execute()
	const have = new Set(rows.map((r) => r.code))
	const bad = codes.filter((c) => !have.has(c))
	if (bad.length) throw AppError.invalid({ villageCodes: msg('errors.not_villages', { codes: bad.slice(0, 5).join('、') }) })
}

async function writeVillages(trx: Kysely<DB>, projectId: string, codes: string[]) {
	await trx.deleteFrom('projectVillage').where('projectId', '=', projectId).execute()
	await trx.insertInto('projectVillage').values(codes.map((villageCode) => ({ projectId, villageCode }))).execute()
}

/**
 * Registers a project (status `planned`) for `orgId`, which must be a verified enterprise where
 * the actor is an owner or admin. Nothing is written on any error.
 */
export async function createProject(db: Kysely<DB>, orgId: string, raw: ProjectInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const data = parseProject(raw)
	await checkVillages(db, data.villageCodes)
	return db.transaction().execute(async (trx) => {
		const org = await trx
			.selectFrom('organization')
			.innerJoin('membership', 'membership.orgId', 'organization.id')
			.select('organization.id')
			.where('organization.id', '=', orgId)
			.where('organization.kind', '=', 'enterprise')
			.where('organization.status', '=', 'verified')
			.where('membership.accountId', '=', actor.accountId)
			.where('membership.role', 'in', MANAGER_ROLES)
			.executeTakeFirst()
		if (!org) {
			const row = await trx.selectFrom('organization').select('kind').where('id', '=', orgId).executeTakeFirst()
			if (!row) throw AppError.notFound('errors.org_not_found')
			if (row.kind !== 'enterprise') throw AppError.forbidden('errors.org_cannot_project')
			throw await whyForbidden(trx, orgId, actor)
		}
		const id = newId(now)
		await trx
			.insertInto('project')
			.values({
				id,
				enterpriseOrgId: orgId,
				title: data.title,
				description: data.description,
				type: data.type,
				plannedInvestment: data.plannedInvestment,
				permanentJobs: data.permanentJobs,
				temporaryJobs: data.temporaryJobs,
				peopleTrained: data.peopleTrained,
				startsOn: data.startsOn,
				endsOn: data.endsOn,
				status: 'planned',
				createdBy: actor.accountId,
				createdAt: now,
				updatedAt: now,
			})
			.execute()
		await writeVillages(trx, id, data.villageCodes)
		await recordEvent(trx, { entityType: 'project', entityId: id, action: 'create', toState: 'planned', actorAccountId: actor.accountId, actorOrgId: orgId, requestId: actor.requestId }, now)
		await enqueueSearch(trx, 'project', id, now)
		return { id }
	})
}

/**
 * Replaces a planned or running project's fields and villages (a completed project's record is
 * final). The start date may not move past an existing progress update.
 */
export async function updateProject(db: Kysely<DB>, projectId: string, raw: ProjectInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const data = parseProject(raw)
	await checkVillages(db, data.villageCodes)
	return db.transaction().execute(async (trx) => {
		const result = await trx
			.updateTable('project')
			.set({
				title: data.title,
				description: data.description,
				type: data.type,
				plannedInvestment: data.plannedInvestment,
				permanentJobs: data.permanentJobs,
				temporaryJobs: data.temporaryJobs,
				peopleTrained: data.peopleTrained,
				startsOn: data.startsOn,
				endsOn: data.endsOn,
				updatedAt: now,
			})
			.where('id', '=', projectId)
			.where('status', 'in', EDITABLE)
			.where(mayManage(actor))
			.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) {
			const row = await trx.selectFrom('project').select(['enterpriseOrgId']).where('id', '=', projectId).executeTakeFirst()
			if (!row) throw AppError.notFound()
			const allowed = await trx.selectFrom('project').select('id').where('id', '=', projectId).where(mayManage(actor)).executeTakeFirst()
			if (!allowed) throw await whyForbidden(trx, row.enterpriseOrgId, actor)
			throw AppError.conflict('errors.project_not_editable')
		}
		const earliest = await trx
			.selectFrom('projectUpdate')
			.select((eb) => eb.fn.min('happenedOn').as('first'))
			.where('projectId', '=', projectId)
			.executeTakeFirst()
		const first = earliest?.first == null ? null : Number(earliest.first)
		// Throwing inside the transaction rolls the update back.
		if (first !== null && data.startsOn > first) throw AppError.invalid({ startsOn: msg('errors.start_after_updates', { date: formatChinaDate(first) }) })
		const row = await trx.selectFrom('project').select(['enterpriseOrgId', 'status']).where('id', '=', projectId).executeTakeFirstOrThrow()
		await writeVillages(trx, projectId, data.villageCodes)
		await recordEvent(trx, { entityType: 'project', entityId: projectId, action: 'update', actorAccountId: actor.accountId, actorOrgId: row.enterpriseOrgId, requestId: actor.requestId }, now)
		await enqueueSearch(trx, 'project', projectId, now)
		return { status: row.status }
	})
}

/** planned → running ('start') → completed ('complete'); never back, never two steps at once. */
export async function transitionProject(db: Kysely<DB>, projectId: string, raw: ProjectTransitionInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const parsed = ProjectTransitionSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const { action } = parsed.data
	const { from, to } = TRANSITIONS[action]
	return db.transaction().execute(async (trx) => {
		const result = await trx
			.updateTable('project')
			.set({ status: to, updatedAt: now })
			.where('id', '=', projectId)
			.where('status', '=', from)
			.where(mayManage(actor))
			.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) {
			const row = await trx.selectFrom('project').select(['enterpriseOrgId']).where('id', '=', projectId).executeTakeFirst()
			if (!row) throw AppError.notFound()
			const allowed = await trx.selectFrom('project').select('id').where('id', '=', projectId).where(mayManage(actor)).executeTakeFirst()
			if (!allowed) throw await whyForbidden(trx, row.enterpriseOrgId, actor)
			throw AppError.conflict('errors.project_wrong_status')
		}
		const row = await trx.selectFrom('project').select('enterpriseOrgId').where('id', '=', projectId).executeTakeFirstOrThrow()
		await recordEvent(trx, { entityType: 'project', entityId: projectId, action, fromState: from, toState: to, actorAccountId: actor.accountId, actorOrgId: row.enterpriseOrgId, requestId: actor.requestId }, now)
		await enqueueSearch(trx, 'project', projectId, now)
		return { status: to }
	})
}

/**
 * Adds a dated progress update (owners and admins of the enterprise, any project status). The
 * date may not be in the future (China time) nor before the project's start.
 */
export async function addProjectUpdate(db: Kysely<DB>, projectId: string, raw: ProjectUpdateInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const parsed = ProjectUpdateSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const input = parsed.data
	if (input.happenedOn > chinaDayStart(now)) throw AppError.invalid({ happenedOn: 'errors.date_in_future' })
	return db.transaction().execute(async (trx) => {
		// Touching the project puts the permission check in an update's where.
		const result = await trx.updateTable('project').set({ updatedAt: now }).where('id', '=', projectId).where(mayManage(actor)).executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) {
			const row = await trx.selectFrom('project').select(['enterpriseOrgId']).where('id', '=', projectId).executeTakeFirst()
			if (!row) throw AppError.notFound()
			throw await whyForbidden(trx, row.enterpriseOrgId, actor)
		}
		const project = await trx.selectFrom('project').select(['enterpriseOrgId', 'startsOn', 'status']).where('id', '=', projectId).executeTakeFirstOrThrow()
		if (input.happenedOn < project.startsOn) throw AppError.invalid({ happenedOn: msg('errors.before_project_start', { date: formatChinaDate(project.startsOn) }) })
		const id = newId(now)
		await trx.insertInto('projectUpdate').values({ id, projectId, body: input.body, happenedOn: input.happenedOn, createdBy: actor.accountId, createdAt: now }).execute()
		await recordEvent(
			trx,
			{ entityType: 'project', entityId: projectId, action: 'add_update', fromState: project.status, toState: project.status, note: id, actorAccountId: actor.accountId, actorOrgId: project.enterpriseOrgId, requestId: actor.requestId },
			now,
		)
		await enqueueSearch(trx, 'project', projectId, now)
		return { id }
	})
}

/** Statuses in which an official may confirm a project's actual investment. */
export const VERIFIABLE_STATUSES: readonly ProjectStatus[] = ['running', 'completed']

/**
 * An official confirms what a running or completed project actually invested (CSR indicators
 * count only this figure, never the planned one). The official's jurisdiction must cover at least
 * one of the project's villages (in the update's where). A later verification replaces the figure
 * and is recorded as another event.
 */
export async function verifyProjectInvestment(db: Kysely<DB>, projectId: string, raw: ProjectVerifyInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const parsed = ProjectVerifySchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const { verifiedInvestment } = parsed.data
	return db.transaction().execute(async (trx) => {
		const before = await trx.selectFrom('project').select(['status', 'verifiedInvestment', 'enterpriseOrgId']).where('id', '=', projectId).executeTakeFirst()
		if (!before) throw AppError.notFound()
		const result = await trx
			.updateTable('project')
			.set({ verifiedInvestment, verifiedAt: now, verifiedBy: actor.accountId, updatedAt: now })
			.where('id', '=', projectId)
			.where('status', 'in', [...VERIFIABLE_STATUSES])
			.where((eb) => eb.exists(eb.selectFrom('projectVillage').select('projectVillage.projectId').whereRef('projectVillage.projectId', '=', 'project.id').where(inJurisdiction('projectVillage.villageCode', actor))))
			.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) {
			const villages = await trx.selectFrom('projectVillage').select('villageCode').where('projectId', '=', projectId).execute()
			if (!villages.some((v) => governs(actor, v.villageCode))) throw AppError.forbidden('errors.outside_jurisdiction')
			throw AppError.conflict('errors.project_wrong_status')
		}
		const orgId = actor.memberships.find((m) => m.kind === 'government' && m.status === 'verified')?.orgId
		await recordEvent(
			trx,
			{
				entityType: 'project',
				entityId: projectId,
				action: 'verify_investment',
				fromState: before.status,
				toState: before.status,
				note: `${before.verifiedInvestment ?? ''}→${verifiedInvestment}`,
				actorAccountId: actor.accountId,
				actorOrgId: orgId,
				requestId: actor.requestId,
			},
			now,
		)
		return { verifiedInvestment }
	})
}

function projectQuery(db: Kysely<DB>) {
	return db
		.selectFrom('project')
		.innerJoin('organization as enterprise', 'enterprise.id', 'project.enterpriseOrgId')
		.select([
			'project.id',
			'project.enterpriseOrgId',
			'enterprise.name as enterpriseName',
			'enterprise.status as enterpriseStatus',
			'project.title',
			'project.description',
			'project.type',
			'project.plannedInvestment',
			'project.permanentJobs',
			'project.temporaryJobs',
			'project.peopleTrained',
			'project.startsOn',
			'project.endsOn',
			'project.status',
			'project.verifiedInvestment',
			'project.verifiedAt',
			'project.createdBy',
			'project.createdAt',
			'project.updatedAt',
		])
}

/** Attaches each project's villages (code and full name, by code). */
async function withVillages<T extends { id: string }>(db: Kysely<DB>, rows: T[]) {
	if (!rows.length) return []
	const links = await db
		.selectFrom('projectVillage')
		.select(['projectId', 'villageCode'])
		.where('projectId', 'in', rows.map((r) => r.id))
		.orderBy('villageCode')
		.execute()
	const names = await fullNames(db, [...new Set(links.map((l) => l.villageCode))])
	const byProject = new Map<string, Array<{ code: string; name: string }>>()
	for (const l of links) byProject.set(l.projectId, [...(byProject.get(l.projectId) ?? []), { code: l.villageCode, name: names.get(l.villageCode) ?? l.villageCode }])
	return rows.map((r) => ({ ...r, villages: byProject.get(r.id) ?? [] }))
}

/**
 * One project (public) with its villages, enterprise and progress updates, newest first.
 * `viewer.canManage` and `viewer.actions` are for showing buttons; the model functions check again.
 */
export async function getProject(db: Kysely<DB>, id: string, viewer: Actor | null = null) {
	const row = await projectQuery(db).where('project.id', '=', id).executeTakeFirst()
	if (!row) return undefined
	const [[project], updates] = await Promise.all([
		withVillages(db, [row]),
		db
			.selectFrom('projectUpdate')
			.leftJoin('account', 'account.id', 'projectUpdate.createdBy')
			.select(['projectUpdate.id', 'projectUpdate.body', 'projectUpdate.happenedOn', 'projectUpdate.createdAt', 'account.displayName as authorName'])
			.where('projectUpdate.projectId', '=', id)
			.orderBy('projectUpdate.happenedOn', 'desc')
			.orderBy('projectUpdate.id', 'desc')
			.execute(),
	])
	const membership = viewer?.memberships.find((m) => m.orgId === row.enterpriseOrgId && m.status === 'verified')
	const canManage = !!membership && roleAtLeast(membership.role, 'admin')
	return {
		...project,
		updates,
		viewer: {
			canManage,
			canEdit: canManage && EDITABLE.includes(row.status),
			actions: canManage ? (Object.keys(TRANSITIONS) as ProjectAction[]).filter((a) => TRANSITIONS[a].from === row.status) : [],
			// An official of one of its villages may confirm the actual investment.
			canVerify: !!viewer && VERIFIABLE_STATUSES.includes(row.status) && project.villages.some((v) => governs(viewer, v.code)),
		},
	}
}

/** An enterprise's projects, newest first, with their villages. */
export async function listProjectsForOrg(db: Kysely<DB>, orgId: string) {
	const rows = await projectQuery(db).where('project.enterpriseOrgId', '=', orgId).orderBy('project.createdAt', 'desc').orderBy('project.id', 'desc').limit(500).execute()
	return withVillages(db, rows)
}

/** Projects in a village (for village pages), newest first, with all their villages. */
export async function listProjectsForVillage(db: Kysely<DB>, villageCode: string) {
	const rows = await projectQuery(db)
		.where((eb) => eb.exists(eb.selectFrom('projectVillage').select(sql`1`.as('one')).whereRef('projectVillage.projectId', '=', 'project.id').where('projectVillage.villageCode', '=', villageCode)))
		.orderBy('project.createdAt', 'desc')
		.orderBy('project.id', 'desc')
		.limit(500)
		.execute()
	return withVillages(db, rows)
}
