// Commitments: not public. A token sees the commitments its account sees in the interface
// (commitmentVisibleScope: members of the provider or village org, officials covering the village);
// any other commitment answers 404 and is absent from lists.
import { z } from 'zod'
import type { CommitmentStatus } from '#db/schema.ts'
import { type CommitmentDetail, getCommitment } from '#app/models/commitment.server.ts'
import { ORG_KINDS } from '#app/models/organization.schema.ts'
import { listCommitmentsPage } from '#app/models/api/commitment-list.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { PageQuery, decodeCursor, endpoint, pageOf, pageSchema } from '../http.server.ts'
import { IdQuery, IdSchema, Millis, many } from './query-params.server.ts'

export const COMMITMENT_STATUSES = [
	'pledged',
	'accepted',
	'in_delivery',
	'delivered',
	'verified',
	'closed',
	'declined',
	'withdrawn',
	'disputed',
	'lapsed',
] as const satisfies readonly CommitmentStatus[]

export const CommitmentSummarySchema = z
	.object({
		id: z.string(),
		needId: z.string(),
		needTitle: z.string(),
		measure: z.enum(['amount', 'quantity']).describe("The need's measure: amounts are fen or whole units of `unit`"),
		unit: z.string().nullable(),
		offerId: z.string().nullable().describe('The offer it draws on, if any'),
		offerTitle: z.string().nullable(),
		providerOrgId: z.string(),
		providerName: z.string(),
		providerKind: z.enum(ORG_KINDS),
		villageOrgId: z.string(),
		villageOrgName: z.string(),
		villageCode: z.string(),
		villageName: z.string().describe('Full name, province first'),
		amount: z.number().int().describe("Pledged amount, in the need's measure"),
		deliveredAmount: z.number().int().nullable().describe('What the village confirmed as arrived'),
		status: z.enum(COMMITMENT_STATUSES),
		overdue: z.boolean().describe('Accepted or in delivery, and its due day has ended (China time)'),
		message: z.string(),
		statusReason: z.string().nullable().describe('Why it was declined, withdrawn or disputed'),
		dueAt: Millis,
		lapseAt: Millis.describe('A pledge not answered by then lapses'),
		acceptedAt: Millis.nullable(),
		deliveryStartedAt: Millis.nullable(),
		deliveredAt: Millis.nullable(),
		verifiedAt: Millis.nullable(),
		closedAt: Millis.nullable(),
		createdAt: Millis,
		updatedAt: Millis,
	})
	.meta({ id: 'CommitmentSummary' })

const Feedback = z.object({ rating: z.number().int(), comment: z.string(), createdAt: Millis }).nullable()

export const CommitmentSchema = CommitmentSummarySchema.extend({
	milestones: z
		.array(
			z.object({
				id: z.string(),
				title: z.string(),
				dueAt: Millis,
				share: z.number().int().describe('Percent of the commitment'),
				status: z.enum(['open', 'reported', 'confirmed']),
				confirmedAt: Millis.nullable(),
			})
		)
		.describe('By due date'),
	updates: z
		.array(
			z.object({
				id: z.string(),
				milestoneId: z.string().nullable(),
				body: z.string(),
				authorName: z.string().nullable(),
				createdAt: Millis,
				evidence: z.array(
					z.object({
						id: z.string(),
						kind: z.enum(['photo', 'document']),
						contentType: z.string(),
						byteSize: z.number().int(),
						originalName: z.string(),
						createdAt: Millis,
					})
				),
			})
		)
		.describe('Progress updates with their evidence files, newest first'),
	feedback: z.object({ village: Feedback, provider: Feedback }).describe('Two-way feedback after verification'),
}).meta({ id: 'Commitment' })
export type CommitmentJson = z.output<typeof CommitmentSchema>

/** A commitment as the API shows it, from getCommitment's detail. */
export function commitmentJson(c: CommitmentDetail): CommitmentJson {
	const feedback = (f: CommitmentDetail['feedback']['village']) => (f ? { rating: Number(f.rating), comment: f.comment, createdAt: f.createdAt } : null)
	return {
		id: c.id,
		needId: c.needId,
		needTitle: c.needTitle,
		measure: c.measure,
		unit: c.unit,
		offerId: c.offerId,
		offerTitle: c.offerTitle,
		providerOrgId: c.providerOrgId,
		providerName: c.providerName,
		providerKind: c.providerKind,
		villageOrgId: c.villageOrgId,
		villageOrgName: c.villageOrgName,
		villageCode: c.villageCode,
		villageName: c.villageName,
		amount: c.amount,
		deliveredAmount: c.deliveredAmount,
		status: c.status,
		overdue: c.overdue,
		message: c.message,
		statusReason: c.statusReason,
		dueAt: c.dueAt,
		lapseAt: Number(c.lapseAt),
		acceptedAt: c.acceptedAt,
		deliveryStartedAt: c.deliveryStartedAt,
		deliveredAt: c.deliveredAt,
		verifiedAt: c.verifiedAt,
		closedAt: c.closedAt,
		createdAt: c.createdAt,
		updatedAt: c.updatedAt,
		milestones: c.milestones.map((m) => ({
			id: m.id,
			title: m.title,
			dueAt: m.dueAt,
			share: m.share,
			status: m.status,
			confirmedAt: m.confirmedAt,
		})),
		updates: c.updates.map((u) => ({
			id: u.id,
			milestoneId: u.milestoneId,
			body: u.body,
			authorName: u.authorName,
			createdAt: u.createdAt,
			evidence: u.evidence.map((e) => ({
				id: e.id,
				kind: e.kind,
				contentType: e.contentType,
				byteSize: Number(e.byteSize),
				originalName: e.originalName,
				createdAt: e.createdAt,
			})),
		})),
		feedback: {
			village: feedback(c.feedback.village),
			provider: feedback(c.feedback.provider),
		},
	}
}

/** Reads one commitment as the viewer may see it, shaped for the API; undefined when not visible. */
export async function loadCommitmentJson(db: Parameters<typeof getCommitment>[0], id: string, viewer: Parameters<typeof getCommitment>[2], now = Date.now()): Promise<CommitmentJson | undefined> {
	const c = await getCommitment(db, id, viewer, now)
	return c ? commitmentJson(c) : undefined
}

const CommitmentListQuery = z
	.object({
		status: many(COMMITMENT_STATUSES, 'Status.'),
		needId: IdQuery.describe('Only commitments to this need.'),
		role: z
			.enum(['provider', 'village', 'official'])
			.optional()
			.describe('provider: of orgs the account belongs to as provider; village: to its village orgs; official: in its jurisdictions. Without it, all three.'),
		...PageQuery,
	})
	.strict()

export const commitmentsEndpoints = [
	endpoint({
		operationId: 'listCommitments',
		method: 'get',
		path: '/commitments',
		summary: "The commitments the token's account may see, newest first",
		tags: ['commitments'],
		access: 'read',
		query: CommitmentListQuery,
		response: pageSchema(CommitmentSummarySchema),
		handler: async ({ db, actor, query, now }) => {
			const rows = await listCommitmentsPage(
				db,
				{
					statuses: query.status,
					needId: query.needId,
					role: query.role,
					beforeId: decodeCursor(query.cursor),
					limit: query.limit,
				},
				actor,
				now
			)
			return { body: pageOf(rows, query.limit) }
		},
	}),
	endpoint({
		operationId: 'getCommitment',
		method: 'get',
		path: '/commitments/{commitmentId}',
		summary: 'One commitment, with milestones, updates and feedback',
		description: '404 unless the account belongs to the provider or the village org, or is an official covering the village.',
		tags: ['commitments'],
		access: 'read',
		params: z.object({ commitmentId: IdSchema }),
		response: CommitmentSchema,
		handler: async ({ db, actor, params, now }) => {
			const c = await loadCommitmentJson(db, params.commitmentId, actor, now)
			if (!c) throw AppError.notFound('errors.commitment_not_found')
			return { body: c }
		},
	}),
]
