// Where each /api/v1 endpoint's authorization is tested. The API authenticates by token, so its
// matrices live beside it (not duplicated here): write endpoints in write.server.test.ts's
// "authorization matrix" (401 without a token, 403 for a read token, 403/404 for outsiders with
// nothing written, the rightful caller succeeds); read endpoints in read.server.test.ts (401
// without a token, visibility per caller) and http.server.test.ts (the public region facts).
// The matrix test fails when an endpoint in app/api/registry.server.ts has no entry here, or when
// an entry's marker no longer appears in the file it points at.
const WRITE = 'app/api/endpoints/write.server.test.ts'
const READ = 'app/api/endpoints/read.server.test.ts'
const HTTP = 'app/api/http.server.test.ts'

export type ApiCoverage = { file: string; marker: string; kind: 'write matrix' | 'read visibility' | 'public (token only)' }

export const API_COVERAGE: Record<string, ApiCoverage> = {
	// Writes: one row each in the write matrix.
	createNeed: { file: WRITE, marker: "name: 'POST /needs'", kind: 'write matrix' },
	submitNeed: { file: WRITE, marker: "name: 'POST /needs/{needId}/submit'", kind: 'write matrix' },
	createOffer: { file: WRITE, marker: "name: 'POST /offers'", kind: 'write matrix' },
	publishOffer: { file: WRITE, marker: "name: 'POST /offers/{offerId}/publish'", kind: 'write matrix' },
	createCommitment: { file: WRITE, marker: "name: 'POST /needs/{needId}/commitments'", kind: 'write matrix' },
	acceptCommitment: { file: WRITE, marker: "name: 'POST /commitments/{id}/accept'", kind: 'write matrix' },
	startCommitmentDelivery: { file: WRITE, marker: "name: 'POST /commitments/{id}/start-delivery'", kind: 'write matrix' },
	confirmCommitmentDelivery: { file: WRITE, marker: "name: 'POST /commitments/{id}/deliver'", kind: 'write matrix' },
	verifyCommitment: { file: WRITE, marker: "name: 'POST /commitments/{id}/verify'", kind: 'write matrix' },
	// Reads: 401 without a token (the "every read endpoint" test), then what each caller may see.
	listOrgs: { file: READ, marker: "'/orgs'", kind: 'read visibility' },
	getOrg: { file: READ, marker: '`/orgs/${w.pending}', kind: 'read visibility' },
	listNeeds: { file: READ, marker: "'/needs'", kind: 'read visibility' },
	getNeed: { file: READ, marker: '`/needs/${w.needs.draft}', kind: 'read visibility' },
	listOffers: { file: READ, marker: "'/offers'", kind: 'read visibility' },
	getOffer: { file: READ, marker: '`/offers/${w.offers.draft}', kind: 'read visibility' },
	listProjects: { file: READ, marker: "'/projects'", kind: 'read visibility' },
	getProject: { file: READ, marker: '`/projects/${', kind: 'read visibility' },
	listCommitments: { file: READ, marker: "'/commitments'", kind: 'read visibility' },
	getCommitment: { file: READ, marker: '`/commitments/${', kind: 'read visibility' },
	getIndicators: { file: READ, marker: "'/indicators'", kind: 'read visibility' },
	// Region facts are public to any valid token: the 401 matrix is in the dispatcher's test.
	listProvinces: { file: HTTP, marker: "call('/regions', { token })", kind: 'public (token only)' },
	getRegion: { file: HTTP, marker: "call('/regions/513431000000'", kind: 'public (token only)' },
	// No API test called it: tests/authz/matrix.test.ts covers it (401 without a token, 200 with one).
	listRegionChildren: { file: 'tests/authz/matrix.test.ts', marker: "`/regions/${COUNTY_A}/children`", kind: 'public (token only)' },
}
