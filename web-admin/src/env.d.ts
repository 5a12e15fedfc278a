/// <reference types="vite/client" />
// Element Plus is registered globally in main.ts; this types its <el-*> tags in templates.
/// <reference types="element-plus/global" />
