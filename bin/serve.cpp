#include "toolkit/app/serve_main.hpp"

int main(int argc, char** argv) {
    return optml::app::serve_main(argc, argv);
}
