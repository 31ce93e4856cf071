import { ApiToken } from './entities/api-token.entity';
import { Team } from './entities/team.entity';
import { TeamMember } from './entities/team-member.entity';
import { User } from './entities/user.entity';

/** Every entity of the identity tables; Chainmail's DataSource registers them (`@chainmail/persistence`). */
export const IDENTITY_ENTITIES = [User, Team, TeamMember, ApiToken];
