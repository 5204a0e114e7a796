#include "toolkit/app/train_main.hpp"

int main(int argc, char** argv) {
    return optml::app::train_main(argc, argv);
}
