import { listBranches } from "#shared/appointments/branch-desk.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({}, async () => json(200, listBranches()));
