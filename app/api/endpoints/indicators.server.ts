// /api/v1 endpoints: indicators. (Filled in by the API work of issue #6.)
import type { Endpoint } from '../http.server.ts'

export const indicatorsEndpoints: Endpoint[] = []
