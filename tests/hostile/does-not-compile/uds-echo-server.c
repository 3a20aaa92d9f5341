/* Hostile: not C at all. */
int main(void) { this is not C; }
