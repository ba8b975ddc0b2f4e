// The standalone debug adapter: speaks the Debug Adapter Protocol over stdin/stdout (dist/adapter.js).

import { DebugSession } from '@vscode/debugadapter';
import { TcpCloseSession } from './session';

DebugSession.run(TcpCloseSession);
