// Compiled inference plans: compile() captures a model into a Plan (ts/runtime/hosts/plan.ts),
// loadPlan() reads saved plan bytes back.
export { compile, type CompileOptions } from './compile.js';
export { CompileError, type KernelChooser } from './capture.js';
export { Plan, loadPlan, PlanError, type PlanData, type PlanCall } from '../../runtime/hosts/plan.js';
