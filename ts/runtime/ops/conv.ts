// placeholder: filled in by the op family's author
export {};
